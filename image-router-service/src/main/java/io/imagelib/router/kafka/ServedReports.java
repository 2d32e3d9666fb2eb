package io.imagelib.router.kafka;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which moments of a host streaming image data are reported as SERVED: at most one per host per {@code spacingNanos},
 * the first one after a quiet spell at once. The monitor needs only the latest moment a host served, so one report per
 * spacing says all there is while a busy host streams dozens of bodies. Asked for every chunk read, so the common
 * answer (not due) is a plain map read, without a lock.
 */
final class ServedReports {

    private final long spacingNanos;
    private final Map<String, Long> lastReportNanos = new ConcurrentHashMap<>();

    ServedReports(long spacingNanos) {
        this.spacingNanos = spacingNanos;
    }

    /** Whether the host serving at {@code nowNanos} (System.nanoTime) is to be reported; if so it counts as reported. */
    boolean due(String hostId, long nowNanos) {
        Long last = lastReportNanos.get(hostId);
        if (last != null && nowNanos - last < spacingNanos) {
            return false;
        }
        boolean[] due = new boolean[1];
        lastReportNanos.compute(hostId, (id, previous) -> {
            due[0] = previous == null || nowNanos - previous >= spacingNanos;
            return due[0] ? nowNanos : previous;
        });
        return due[0];
    }
}
