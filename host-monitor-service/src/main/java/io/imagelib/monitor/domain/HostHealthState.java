package io.imagelib.monitor.domain;

import java.time.Instant;
import java.util.Optional;

/**
 * The hysteresis state machine of one host, as an immutable value: {@link #observe} folds one probe result, with the
 * signal judged from it ({@link BusyOrDead}), in and says whether the status changed. Pure: time comes in with the
 * results, nothing is read from a clock.
 * <p>
 * Rules: a status needs {@code rise}/{@code fall}/{@code drainAfter} consecutive rounds of the same signal (so one
 * blip never flaps); an answer to a round that started before the last counted round is dropped (rounds may overlap
 * when a host hangs longer than the interval, and a late timeout must not undo a fresher success).
 *
 * @param status         current status
 * @param since          when it was entered (null while UNKNOWN)
 * @param reason         why, for DOWN and DRAINING
 * @param streakSignal   the signal of the current run of consecutive rounds (null before the first round)
 * @param streak         length of that run
 * @param lastStartedAt  start of the latest counted round (null before the first round)
 * @param lastDeepFailed whether the latest deep check failed: deep checks then run every round
 */
public record HostHealthState(HostStatus status, Instant since, String reason, Signal streakSignal, int streak,
                              Instant lastStartedAt, boolean lastDeepFailed) {

    public static final HostHealthState INITIAL = new HostHealthState(HostStatus.UNKNOWN, null, null, null, 0, null, false);

    /** Result of folding one probe in. */
    public record Step(HostHealthState next, Optional<Transition> transition) {
    }

    /**
     * @param result the probe round
     * @param signal what the round says about the host: {@code result.outcome().signal()}, or {@link Signal#BUSY} for a
     *               timeout excused by in-band success ({@link BusyOrDead#signal})
     */
    public Step observe(ProbeResult result, Signal signal, Hysteresis hysteresis) {
        if (lastStartedAt != null && result.startedAt().isBefore(lastStartedAt)) {
            return new Step(this, Optional.empty());
        }
        int run = signal == streakSignal ? streak + 1 : 1;
        boolean deepFailed = result.deep() ? result.outcome().deepFailed() : lastDeepFailed;
        HostStatus target = statusOf(signal);
        if (target != null && run >= hysteresis.needed(signal) && target != status) {
            var transition = new Transition(status, target, result.finishedAt(), result.outcome().reason(), result);
            return new Step(new HostHealthState(target, result.finishedAt(), result.outcome().reason(), signal, run,
                    result.startedAt(), deepFailed), Optional.of(transition));
        }
        return new Step(new HostHealthState(status, since, reason, signal, run, result.startedAt(), deepFailed),
                Optional.empty());
    }

    /** Whether round number {@code round} (counted from 0 per host) should include the deep check. */
    public boolean deepDue(long round, Hysteresis hysteresis) {
        return lastDeepFailed || round % hysteresis.deepEvery() == 0;
    }

    public boolean settled() {
        return status != HostStatus.UNKNOWN;
    }

    /** The status a run of this signal leads to; none for BUSY, which only breaks a failing run. */
    private static HostStatus statusOf(Signal signal) {
        return switch (signal) {
            case HEALTHY -> HostStatus.UP;
            case FAILING -> HostStatus.DOWN;
            case DRAINING -> HostStatus.DRAINING;
            case BUSY -> null;
        };
    }
}
