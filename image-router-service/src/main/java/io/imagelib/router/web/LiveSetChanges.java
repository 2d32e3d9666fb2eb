package io.imagelib.router.web;

import io.imagelib.router.domain.HostSnapshot;
import io.imagelib.router.domain.Registration;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acts on each swap of the live snapshot (on the state reader's thread, after the swap, so what is retried or resumed
 * already sees the new snapshot): cuts the reads in flight to hosts that went DOWN or lost their role, and logs and
 * counts each region's entry into and exit from panic mode.
 */
public final class LiveSetChanges implements BiConsumer<HostSnapshot, HostSnapshot> {

    private static final Logger log = LoggerFactory.getLogger(LiveSetChanges.class);

    private final InFlightReads inFlight;
    private final MeterRegistry registry;

    public LiveSetChanges(InFlightReads inFlight, MeterRegistry registry) {
        this.inFlight = inFlight;
        this.registry = registry;
    }

    @Override
    public void accept(HostSnapshot before, HostSnapshot after) {
        for (String hostId : after.lostSince(before)) {
            int cut = inFlight.abort(hostId);
            if (cut > 0) {
                String region = before.registration(hostId).map(Registration::region).orElse("unknown");
                registry.counter("imagelib.router.inflight.cut", "region", region, "host", hostId).increment(cut);
                log.info("Host {} (region {}) is {} now: cut {} reads in flight to it so they resume on another host",
                        hostId, region, after.registration(hostId).isEmpty() ? "unregistered" : after.health(hostId), cut);
            }
        }
        Set<String> entered = new HashSet<>(after.panicRegions());
        entered.removeAll(before.panicRegions());
        Set<String> left = new HashSet<>(before.panicRegions());
        left.removeAll(after.panicRegions());
        entered.forEach(region -> {
            registry.counter("imagelib.router.panic.entries", "region", region).increment();
            log.warn("Region {} entered panic mode: no registered host is UP; routing over its {} registered, "
                    + "non-draining hosts {} anyway", region, after.panicCandidates(region).size(),
                    after.panicCandidates(region).stream().map(Registration::hostId).toList());
        });
        left.forEach(region -> log.warn("Region {} left panic mode: {} hosts UP", region, after.healthy(region).size()));
    }
}
