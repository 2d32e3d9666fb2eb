package io.imagelib.router.domain;

import java.time.Duration;

/**
 * How long a read keeps looking for a host once every host of its plan failed. A plan is the live set as it was when
 * the read started; under load the monitor may call a busy host DOWN for a moment (and the router cut its waiting
 * reads), then the next, so a read can run out of planned hosts while a host that came back UP would serve it. Reads
 * are safe to send again, so the read plans again from the live set as it is now, after a pause, a bounded number of
 * times and only while its time budget lasts. A client then sees a 502 only when no host could serve it for that long.
 *
 * @param rounds the plans a read may go through, the first included (1 = never plan again)
 * @param pause  the wait before planning again: about one monitor probe interval, so a flap can clear
 * @param budget no new round starts once the read has been on its way this long
 */
public record ReadRounds(int rounds, Duration pause, Duration budget) {

    public ReadRounds {
        if (rounds < 1 || pause.isNegative() || budget.isNegative()) {
            throw new IllegalArgumentException("read rounds must be >= 1 and durations not negative, got "
                    + rounds + "/" + pause + "/" + budget);
        }
    }

    /** Whether a read that has gone through {@code roundsDone} plans in {@code elapsed} may plan once more. */
    public boolean anotherRound(int roundsDone, Duration elapsed) {
        return roundsDone < rounds && elapsed.plus(pause).compareTo(budget) <= 0;
    }
}
