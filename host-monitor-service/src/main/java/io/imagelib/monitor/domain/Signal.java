package io.imagelib.monitor.domain;

/** What one probe says about a host, before hysteresis: the kinds of evidence the state machine counts. */
public enum Signal {
    HEALTHY, DRAINING, FAILING,
    /**
     * The probe timed out while a router saw the host serving ({@link BusyOrDead}): not evidence that it failed,
     * so it ends a run of failing rounds, and not evidence that it is healthy, so it never raises a host either.
     */
    BUSY
}
