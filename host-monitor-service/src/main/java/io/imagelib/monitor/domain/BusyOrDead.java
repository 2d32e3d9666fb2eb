package io.imagelib.monitor.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether a probe that timed out means the host is failing or only busy. A single-worker Glance host streaming dozens
 * of downloads queues its {@code /healthcheck} behind them: the probe times out although the host serves every
 * request it is sent, and calling it DOWN makes the router cut those requests. The router reports each host it is streaming
 * image data from (kind SERVED on imagelib.host-observations, a few per second per host at most); a host seen serving
 * shortly before or during the probe is busy, not dead. A hung host (stopped process, dropped link) serves
 * nothing, so its reports stop when it hangs and its timeouts count again {@code grace} later at the latest.
 * <p>
 * Only timeouts are excused ({@link ProbeOutcome#inconclusive()}): refused, reset, 5xx and a wrong answer are
 * conclusive, and a host that answers its probe, however slowly, is judged by that answer.
 */
public final class BusyOrDead {

    private BusyOrDead() {
    }

    /**
     * What one probe round says about the host.
     *
     * @param result     the round
     * @param lastServed when a router last saw the host serving (see {@link #servedAt}), if ever
     * @param grace      how long before the round's start serving still counts: at least the router's
     *                   spacing of served reports plus their delivery time
     * @return the outcome's own signal, or {@link Signal#BUSY} for a timeout while the host was seen serving in
     *         [{@code startedAt - grace}, {@code finishedAt + grace}]; the upper bound drops evidence from "the future",
     *         which only a clock that jumped backwards produces, so such evidence never excuses anything
     */
    public static Signal signal(ProbeResult result, Optional<Instant> lastServed, Duration grace) {
        Signal own = result.outcome().signal();
        if (!result.outcome().inconclusive() || lastServed.isEmpty()) {
            return own;
        }
        Instant served = lastServed.get();
        boolean fresh = !served.isBefore(result.startedAt().minus(grace)) && !served.isAfter(result.finishedAt().plus(grace));
        return fresh ? Signal.BUSY : own;
    }

    /**
     * The moment a served report proves the host was serving: the router's time, but never later than the report's
     * arrival here, so a router clock ahead of ours cannot make evidence look fresher than it is (a clock behind ours
     * makes it look older: the safe side, timeouts then count as they did without reports).
     */
    public static Instant servedAt(Instant observedAt, Instant receivedAt) {
        return observedAt.isBefore(receivedAt) ? observedAt : receivedAt;
    }

    /**
     * The host's latest served moment after one more report. Reports of several routers arrive out of order, so an older
     * one does not replace a newer one, unless the kept one lies after the new report's arrival: it was taken before our
     * clock jumped backwards and would otherwise block all newer evidence until the clock caught up.
     */
    public static Instant latest(Optional<Instant> known, Instant servedAt, Instant receivedAt) {
        if (known.isEmpty() || known.get().isAfter(receivedAt) || servedAt.isAfter(known.get())) {
            return servedAt;
        }
        return known.get();
    }
}
