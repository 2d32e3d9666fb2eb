package io.imagelib.systemtests;

import java.time.Duration;
import java.util.List;

/** p50/p95/p99/max of a sample by the nearest-rank method (no interpolation: every figure was measured). */
public record Percentiles(int count, Duration p50, Duration p95, Duration p99, Duration max) {

    public static Percentiles of(List<Duration> sample) {
        if (sample.isEmpty()) {
            return new Percentiles(0, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO);
        }
        List<Duration> sorted = sample.stream().sorted().toList();
        return new Percentiles(sorted.size(), rank(sorted, 50), rank(sorted, 95), rank(sorted, 99), sorted.getLast());
    }

    static Duration rank(List<Duration> sorted, int percentile) {
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    /** One table row: "label | n | p50 | p95 | p99 | max" in milliseconds. */
    public String row(String label) {
        return "| %s | %d | %s | %s | %s | %s |".formatted(label, count, ms(p50), ms(p95), ms(p99), ms(max));
    }

    static String ms(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.0f", d.toNanos() / 1e6);
    }
}
