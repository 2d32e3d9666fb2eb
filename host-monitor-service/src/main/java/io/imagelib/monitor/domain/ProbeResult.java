package io.imagelib.monitor.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * One finished probe round of one host.
 *
 * @param outcome       classified result
 * @param startedAt     when the round started; used to drop answers that are older than what is already known
 * @param finishedAt    when the answer (or the failure) arrived; becomes {@code since}/{@code observedAt}
 * @param latencyMicros time to the answer, -1 when there was no answer (refused, timeout)
 * @param deep          whether the round included the deep (API + database) check
 */
public record ProbeResult(ProbeOutcome outcome, Instant startedAt, Instant finishedAt, long latencyMicros, boolean deep) {

    public ProbeResult {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(finishedAt, "finishedAt");
    }
}
