package io.imagelib.catalogsync.domain;

import java.time.Duration;

/**
 * Exponential backoff with a cap: {@code initial * multiplier^(attempt-1)}, never above {@code max}. Deterministic
 * on purpose (one catalog-sync instance per deployment, so there is no herd to spread with jitter).
 */
public record Backoff(Duration initial, Duration max, double multiplier) {

    public Backoff {
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("initial backoff must be positive: " + initial);
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max backoff " + max + " is below initial " + initial);
        }
        if (multiplier < 1.0) {
            throw new IllegalArgumentException("multiplier must be >= 1: " + multiplier);
        }
    }

    /** Pause before retry number {@code attempt} (1 = the first retry after one failure). */
    public Duration delay(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt starts at 1: " + attempt);
        }
        double millis = initial.toMillis() * Math.pow(multiplier, attempt - 1);
        // Math.pow overflows to Infinity long before the cap matters; min() keeps it finite.
        return Duration.ofMillis((long) Math.min(millis, max.toMillis()));
    }
}
