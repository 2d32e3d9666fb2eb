package io.imagelib.support.kafka;

import java.time.Duration;

/**
 * How long a consumer held by an infrastructure fault waits before its next attempt: {@code initial}, doubling,
 * capped at {@code max}, forever. A healthy record is never given up on; the cap bounds how late it is once the
 * fault is gone.
 */
public record RetryBackoff(Duration initial, Duration max) {

    public RetryBackoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("retry backoff needs 0 < initial <= max, got " + initial + " and " + max);
        }
    }

    /** The pause after the {@code attempt}-th failure (1 for the first). */
    public Duration delay(int attempt) {
        int doublings = Math.min(Math.max(attempt, 1) - 1, 62);
        long nanos = initial.toNanos();
        long capped = doublings >= Long.numberOfLeadingZeros(nanos) - 1 ? Long.MAX_VALUE : nanos << doublings;
        return Duration.ofNanos(Math.min(capped, max.toNanos()));
    }
}
