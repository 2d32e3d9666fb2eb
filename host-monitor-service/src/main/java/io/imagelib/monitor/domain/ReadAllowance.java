package io.imagelib.monitor.domain;

import java.time.Duration;

/**
 * How long one host's healthcheck may take before its round counts as a timeout. A host that answers, however slowly,
 * is serving: a real Glance host (one eventlet worker) streaming 25 images at once answered its healthcheck in hundreds
 * of milliseconds, and the fixed 400 ms deadline flapped such hosts DOWN, which cut every download they were streaming.
 * So the deadline follows the host's own recent answers: {@link #FACTOR} times the slowest of its last {@link #WINDOW},
 * never below the configured read timeout (a host that answered fast is judged as quickly as before, so a hang or a
 * crash is detected in the same time) and never above the ceiling. A timeout is not an answer and never raises it.
 * One per host; rounds of a host may overlap, hence the locks.
 */
public final class ReadAllowance {

    /** Answers remembered: two seconds of rounds at the default 250 ms interval. */
    static final int WINDOW = 8;
    /** Headroom over the slowest recent answer before a round counts as lost. */
    static final int FACTOR = 4;

    private final long floorNanos;
    private final long ceilingNanos;
    private final long[] recentNanos = new long[WINDOW];
    private int next;

    public ReadAllowance(Duration floor, Duration ceiling) {
        if (ceiling.compareTo(floor) < 0) {
            throw new IllegalArgumentException("ceiling " + ceiling + " is below the floor " + floor);
        }
        this.floorNanos = floor.toNanos();
        this.ceilingNanos = ceiling.toNanos();
    }

    /** The host answered (any status) this long after the round started. */
    public synchronized void answeredIn(long nanos) {
        recentNanos[next] = nanos;
        next = (next + 1) % WINDOW;
    }

    /** The deadline of the next round, from its start. */
    public synchronized long nanos() {
        long slowest = 0;
        for (long answer : recentNanos) {
            slowest = Math.max(slowest, answer);
        }
        return Math.min(ceilingNanos, Math.max(floorNanos, slowest * FACTOR));
    }
}
