package io.imagelib.monitor.config;

import io.imagelib.monitor.domain.Hysteresis;
import io.imagelib.monitor.probe.ProbeClient;
import io.imagelib.monitor.probe.ProbeSettings;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Probe tuning. The defaults detect a dead, hung or draining host in under a second without flapping on one lost
 * answer; the arithmetic is in docs/host-monitor-service.md.
 *
 * @param interval           time between rounds of one host
 * @param connectTimeout     TCP connect timeout
 * @param readTimeout        deadline of the whole shallow exchange; Glance answers /healthcheck in a few ms
 * @param deepTimeout        deadline of the deep check, which queries the database
 * @param rise               consecutive healthy rounds before UP
 * @param fall               consecutive failing rounds before DOWN
 * @param drainAfter         consecutive "DISABLED BY FILE" rounds before DRAINING
 * @param deepEvery          deep check every Nth round (every round while it fails)
 * @param maxInFlight        probes in flight across all hosts
 * @param maxInFlightPerHost rounds of one host that may overlap while it hangs
 * @param urgentSpacing      gap between the rounds triggered by a failure observation
 * @param admissionRate      newly watched hosts started per second, so taking over thousands of hosts does not open
 *                           thousands of connections in one interval (and time them out on a busy machine)
 * @param settleTimeout      how long a newly watched host may stay UNKNOWN before readiness stops waiting for it
 * @param healthcheckPath    shallow check
 * @param deepCheckPath      deep check
 * @param deepCheckHeaders   sent with the deep check (Glance trusted-auth headers when no Keystone is in front)
 * @param rolesGroup         consumer group that splits hosts among monitor instances
 * @param client             SOCKET (virtual threads, kept-alive sockets) or JDK (async HttpClient); see the benchmark
 * @param republishEvery     period of the full-state republish of every host watched here (transitions go out at
 *                           once regardless), so a reader whose view lost a record heals within one period
 * @param servedGrace        a probe timeout is excused (the host is busy, not dead) when a router reported the host
 *                           serving (image data flowing) no earlier than this before the round started; it bounds how much later
 *                           a host that hangs while serving is called DOWN. At least the router's spacing of those
 *                           reports (250 ms) plus their delivery time
 */
@ConfigurationProperties("imagelib.monitor")
public record MonitorProperties(
        @DefaultValue("250ms") Duration interval,
        @DefaultValue("250ms") Duration connectTimeout,
        @DefaultValue("400ms") Duration readTimeout,
        @DefaultValue("2s") Duration deepTimeout,
        @DefaultValue("2") int rise,
        @DefaultValue("2") int fall,
        @DefaultValue("1") int drainAfter,
        @DefaultValue("8") int deepEvery,
        @DefaultValue("8192") int maxInFlight,
        @DefaultValue("2") int maxInFlightPerHost,
        @DefaultValue("100ms") Duration urgentSpacing,
        @DefaultValue("500") int admissionRate,
        @DefaultValue("5s") Duration settleTimeout,
        @DefaultValue("/healthcheck") String healthcheckPath,
        @DefaultValue("/v2/images?limit=1") String deepCheckPath,
        Map<String, String> deepCheckHeaders,
        @DefaultValue("host-monitor") String rolesGroup,
        @DefaultValue("socket") ProbeClient client,
        @DefaultValue("30s") Duration republishEvery,
        @DefaultValue("500ms") Duration servedGrace) {

    public MonitorProperties {
        deepCheckHeaders = deepCheckHeaders == null ? Map.of() : Map.copyOf(deepCheckHeaders);
    }

    public ProbeSettings probeSettings() {
        return new ProbeSettings(interval, connectTimeout, readTimeout, deepTimeout,
                new Hysteresis(rise, fall, drainAfter, deepEvery), maxInFlight, maxInFlightPerHost, urgentSpacing, admissionRate,
                healthcheckPath, deepCheckPath, deepCheckHeaders, servedGrace);
    }
}
