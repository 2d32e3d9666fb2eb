package io.imagelib.monitor.domain;

/**
 * How much consecutive evidence a status change needs.
 *
 * @param rise       consecutive healthy rounds before UP
 * @param fall       consecutive failing rounds before DOWN
 * @param drainAfter consecutive "DISABLED BY FILE" rounds before DRAINING (1 = at once: the operator flipped a switch,
 *                   there is no noise to filter)
 * @param deepEvery  run the deep check every Nth round while the last deep check passed (every round after it failed,
 *                   so a failing database is confirmed or cleared at the shallow probe rate)
 */
public record Hysteresis(int rise, int fall, int drainAfter, int deepEvery) {

    public Hysteresis {
        if (rise < 1 || fall < 1 || drainAfter < 1 || deepEvery < 1) {
            throw new IllegalArgumentException("rise, fall, drainAfter and deepEvery must be >= 1, got "
                    + rise + "/" + fall + "/" + drainAfter + "/" + deepEvery);
        }
    }

    /** Consecutive rounds of this signal needed to enter the status it points to (BUSY points to none). */
    int needed(Signal signal) {
        return switch (signal) {
            case HEALTHY -> rise;
            case FAILING -> fall;
            case DRAINING -> drainAfter;
            case BUSY -> throw new IllegalArgumentException("BUSY leads to no status");
        };
    }
}
