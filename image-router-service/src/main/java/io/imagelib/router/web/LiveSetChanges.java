package io.imagelib.router.web;

import io.imagelib.router.domain.Health;
import io.imagelib.router.domain.HostSnapshot;
import io.imagelib.router.domain.Registration;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acts on each swap of the live snapshot (on the state reader's thread, after the swap, so what is retried or resumed
 * already sees the new snapshot): cuts the reads in flight to hosts that lost their role, and the stalled reads of
 * hosts that went DOWN, and logs and counts each region's entry into and exit from panic mode.
 *
 * <p>A DOWN cuts only reads that received nothing for {@code stalledRead}, then looks again every
 * {@link #WATCH_STEP} while the host stays DOWN, for at most {@code watchFor} (past it, the download idle timeout takes
 * over). A hung host's reads stall and are cut within {@code stalledRead} of the hang; a busy host that a starved
 * monitor called DOWN keeps streaming, and its reads finish instead of all moving at once to the other hosts (on
 * 2 cores under 50 downloads that move made the next host look DOWN too, and downloads failed).
 */
public final class LiveSetChanges implements BiConsumer<HostSnapshot, HostSnapshot> {

    static final Duration WATCH_STEP = Duration.ofMillis(200);
    private static final Logger log = LoggerFactory.getLogger(LiveSetChanges.class);

    private final InFlightReads inFlight;
    private final MeterRegistry registry;
    private final Supplier<HostSnapshot> current;
    private final Duration stalledRead;
    private final Duration watchFor;

    public LiveSetChanges(InFlightReads inFlight, MeterRegistry registry, Supplier<HostSnapshot> current,
                          Duration stalledRead, Duration watchFor) {
        this.inFlight = inFlight;
        this.registry = registry;
        this.current = current;
        this.stalledRead = stalledRead;
        this.watchFor = watchFor;
    }

    @Override
    public void accept(HostSnapshot before, HostSnapshot after) {
        after.downOrGoneSince(before).forEach(inFlight::troubled);
        for (String hostId : after.lostSince(before)) {
            String region = before.registration(hostId).map(Registration::region).orElse("unknown");
            if (after.registration(hostId).isEmpty()) {
                counted(hostId, region, "unregistered", inFlight.abort(hostId));
            } else {
                counted(hostId, region, "DOWN", inFlight.abortStalled(hostId, stalledRead));
                Thread.ofVirtual().name("stalled-reads-", 0).start(() -> watchWhileDown(hostId, region));
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

    /**
     * Bounded: ends when the host is no longer DOWN or after {@code watchFor}. Cuts nothing while the region is in
     * panic mode (every host DOWN): a cut read could only move to another host the monitor calls DOWN, and under load
     * the hosts are busy, not dead (a system test under CPU stress lost downloads to cuts repeated every step).
     */
    private void watchWhileDown(String hostId, String region) {
        long end = System.nanoTime() + watchFor.toNanos();
        try {
            while (System.nanoTime() < end && current.get().health(hostId) == Health.DOWN) {
                Thread.sleep(WATCH_STEP);
                HostSnapshot now = current.get();
                if (now.health(hostId) == Health.DOWN && !now.inPanic(region)) {
                    counted(hostId, region, "DOWN", inFlight.abortStalled(hostId, stalledRead));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void counted(String hostId, String region, String state, int cut) {
        if (cut > 0) {
            registry.counter("imagelib.router.inflight.cut", "region", region, "host", hostId).increment(cut);
            log.info("Host {} (region {}) is {} now: cut {} reads in flight to it so they resume on another host",
                    hostId, region, state, cut);
        }
    }
}
