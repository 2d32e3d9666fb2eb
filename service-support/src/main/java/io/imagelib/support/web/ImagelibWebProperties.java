package io.imagelib.support.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/** @param maxRequestBody larger request bodies are refused with 413 before they are read; 0 turns the limit off */
@ConfigurationProperties("imagelib.web")
public record ImagelibWebProperties(@DefaultValue("64KB") DataSize maxRequestBody) {
}
