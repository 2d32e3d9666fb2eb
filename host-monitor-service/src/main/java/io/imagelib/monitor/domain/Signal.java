package io.imagelib.monitor.domain;

/** What one probe says about a host, before hysteresis: the three kinds of evidence the state machine counts. */
public enum Signal {
    HEALTHY, DRAINING, FAILING
}
