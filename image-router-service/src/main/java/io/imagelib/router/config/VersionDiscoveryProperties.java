package io.imagelib.router.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Glance's version document as the router serves it ({@code GET /}, {@code /versions}).
 *
 * @param publicUrl   base URL clients use for the router (Glance's {@code public_endpoint}); when set, every link uses
 *                    it whatever the request says. Set it behind a TLS-terminating load balancer.
 * @param publicHosts host names under which clients address the router; a Host header naming one of them is used in
 *                    the links. Any other name is replaced by the address the connection arrived on.
 * @param cache       how long a region's document fetched from a host is reused (a stale one is served when no host
 *                    answers)
 */
@ConfigurationProperties("imagelib.router.versions")
public record VersionDiscoveryProperties(
        URI publicUrl,
        @DefaultValue List<String> publicHosts,
        @DefaultValue("10s") Duration cache) {

    public Optional<URI> publicUrlIfSet() {
        return Optional.ofNullable(publicUrl);
    }
}
