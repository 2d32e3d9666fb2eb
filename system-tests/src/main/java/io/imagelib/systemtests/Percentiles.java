package io.imagelib.systemtests;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * p50/p95/p99/max of a sample by the nearest-rank method: no interpolation, every figure is one that was measured.
 * Durations are kept in milliseconds, counts as they are.
 */
public record Percentiles(int count, double p50, double p95, double p99, double max) {

    public static Percentiles ofDurations(List<Duration> sample) {
        return of(sample.stream().mapToDouble(d -> d.toNanos() / 1e6).sorted().toArray());
    }

    public static Percentiles ofCounts(List<Long> sample) {
        return of(sample.stream().mapToDouble(Long::doubleValue).sorted().toArray());
    }

    private static Percentiles of(double[] sorted) {
        if (sorted.length == 0) {
            return new Percentiles(0, 0, 0, 0, 0);
        }
        return new Percentiles(sorted.length, rank(sorted, 50), rank(sorted, 95), rank(sorted, 99), sorted[sorted.length - 1]);
    }

    static double rank(double[] sorted, int percentile) {
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    /** One Markdown table row: "| label | n | p50 | p95 | p99 | max |", values rounded to whole units. */
    public String row(String label) {
        return String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.0f | %.0f |", label, count, p50, p95, p99, max);
    }
}
