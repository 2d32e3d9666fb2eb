package io.imagelib.monitor.probe;

import io.imagelib.monitor.domain.ProbeResult;
import io.imagelib.monitor.domain.Transition;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * The monitor's meters. Per-host meters (latency timer, transition counters) cost a few series per host: about 3
 * Prometheus series per host for the timer (no histogram), so 2,000 hosts are ~6,000 series; they are removed when the
 * host is no longer watched. Turn the timer off with {@code management.metrics.enable.imagelib.monitor.probe.latency=false}
 * if that is too many. Probe counts are tagged by region and outcome only.
 */
public final class ProbeMetrics {

    public static final String LATENCY = "imagelib.monitor.probe.latency";
    public static final String TRANSITIONS = "imagelib.monitor.transitions";
    public static final String PROBES = "imagelib.monitor.probes";
    public static final String SKIPPED = "imagelib.monitor.probes.skipped";
    public static final String EXCUSED = "imagelib.monitor.timeouts.excused";
    public static final String SERVED = "imagelib.monitor.served.reports";

    /** What started a round. */
    public enum Trigger { SCHEDULED, OBSERVATION }

    private final MeterRegistry registry;

    public ProbeMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void probed(HostTarget host, ProbeResult result, Trigger trigger) {
        Counter.builder(PROBES).tag("region", host.region()).tag("outcome", result.outcome().name().toLowerCase())
                .tag("trigger", trigger.name().toLowerCase()).register(registry).increment();
        if (result.latencyMicros() >= 0) {
            latencyTimer(host).record(result.latencyMicros(), TimeUnit.MICROSECONDS);
        }
    }

    void transitioned(HostTarget host, Transition transition) {
        Counter.builder(TRANSITIONS).tag("region", host.region()).tag("host", host.hostId())
                .tag("to", transition.to().name()).register(registry).increment();
    }

    /** A round timed out while a router saw the host serve: busy, not failing ({@code BusyOrDead}). */
    void excused(HostTarget host, ProbeResult result) {
        Counter.builder(EXCUSED).description("Probe timeouts not counted against a host a router saw serving")
                .tag("region", host.region()).tag("outcome", result.outcome().name().toLowerCase())
                .register(registry).increment();
    }

    /** A router reported a host watched here serving. */
    void served(HostTarget host) {
        Counter.builder(SERVED).description("Reports of a router that a host watched here was serving")
                .tag("region", host.region()).register(registry).increment();
    }

    /** A round did not start because a concurrency bound was reached ("host-limit" or "global-limit"). */
    void skipped(String bound) {
        registry.counter(SKIPPED, "bound", bound).increment();
    }

    /** Drops the per-host series of a host that is no longer watched here. */
    void forget(HostTarget host) {
        registry.getMeters().stream()
                .filter(m -> host.hostId().equals(m.getId().getTag("host")))
                .toList()
                .forEach(registry::remove);
    }

    public double probes(Trigger trigger) {
        return registry.find(PROBES).tag("trigger", trigger.name().toLowerCase()).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    private Timer latencyTimer(HostTarget host) {
        return Timer.builder(LATENCY).description("Answer time of probes that got an answer")
                .tag("region", host.region()).tag("host", host.hostId()).register(registry);
    }
}
