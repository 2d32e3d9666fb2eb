package io.imagelib.role.config;

import java.time.Duration;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param probeTimeout    how long a host's Glance may take to answer {@code /healthcheck} (connect and response)
 * @param publishTimeout  how long to wait for Kafka to acknowledge and commit a role change before answering 503
 * @param readBackTimeout how long to wait for this instance's reader to apply its own write
 * @param lease           the writer lease among replicas
 */
@ConfigurationProperties("imagelib.role")
public record RoleServiceProperties(
        @DefaultValue("2s") Duration probeTimeout,
        @DefaultValue("10s") Duration publishTimeout,
        @DefaultValue("10s") Duration readBackTimeout,
        @DefaultValue Lease lease) {

    /**
     * @param sessionTimeout how long the writer group waits for a silent writer (kill -9, pause) before the lease
     *                       moves; at least the brokers' {@code group.min.session.timeout.ms} (6 s by default)
     * @param catchUpTimeout how long a new writer may take to read host-roles to its end before it gives the lease up
     * @param advertisedUrl  base URL other replicas forward writes to; default {@code http://127.0.0.1:<server port>}
     * @param waitForWriter  how long a change waits for a writer to be known (start, hand-over) before a 503
     */
    public record Lease(
            @DefaultValue("6s") Duration sessionTimeout,
            @DefaultValue("30s") Duration catchUpTimeout,
            @DefaultValue("10s") Duration waitForWriter,
            Optional<String> advertisedUrl) {
    }
}
