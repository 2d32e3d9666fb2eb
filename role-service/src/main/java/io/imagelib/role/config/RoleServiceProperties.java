package io.imagelib.role.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param probeTimeout    how long a host's Glance may take to answer {@code /healthcheck} (connect and response)
 * @param publishTimeout  how long to wait for Kafka to acknowledge a role change before answering 503
 * @param readBackTimeout how long to wait for this instance's reader to apply its own write
 */
@ConfigurationProperties("imagelib.role")
public record RoleServiceProperties(
        @DefaultValue("2s") Duration probeTimeout,
        @DefaultValue("10s") Duration publishTimeout,
        @DefaultValue("10s") Duration readBackTimeout) {
}
