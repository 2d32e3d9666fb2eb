package io.imagelib.monitor.web;

import io.imagelib.monitor.config.MonitorProperties;
import io.imagelib.monitor.domain.HostStatus;
import io.imagelib.monitor.probe.HostProber;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Readiness: DOWN while a newly watched host has not yet settled (its first status, the "full state at start", is not
 * published yet), up to {@code settle-timeout} per host. Details: hosts watched here by status.
 */
@Component("hostMonitor")
class MonitorHealthIndicator implements HealthIndicator {

    private final HostProber prober;
    private final MonitorProperties properties;

    MonitorHealthIndicator(HostProber prober, MonitorProperties properties) {
        this.prober = prober;
        this.properties = properties;
    }

    @Override
    public Health health() {
        long settling = prober.settling(properties.settleTimeout());
        var builder = settling == 0 ? Health.up()
                : Health.down();
        builder.withDetail("settling", settling);
        var counts = prober.countsByStatus();
        for (HostStatus status : HostStatus.values()) {
            builder.withDetail(status.name(), counts.getOrDefault(status, 0L));
        }
        return builder.build();
    }
}
