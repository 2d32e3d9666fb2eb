package io.imagelib.endpoint.domain;

/** A host's health as the monitor last reported it; UNKNOWN until the first report (or after the monitor forgot it). */
public enum Health {
    UNKNOWN, UP, DOWN, DRAINING
}
