package io.imagelib.endpoint.web;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The API Endpoints page ({@code imagelib.endpoint.page}).
 *
 * @param recentChanges admin changes kept per region for the "recent failovers" list
 * @param streamTimeout how long one event stream stays open; the browser reconnects and gets a fresh snapshot
 * @param heartbeat     comment sent to idle streams so dead clients are noticed and proxies keep the connection
 */
@ConfigurationProperties("imagelib.endpoint.page")
public record EndpointsPageProperties(
        @DefaultValue("10") int recentChanges,
        @DefaultValue("30m") Duration streamTimeout,
        @DefaultValue("15s") Duration heartbeat) {
}
