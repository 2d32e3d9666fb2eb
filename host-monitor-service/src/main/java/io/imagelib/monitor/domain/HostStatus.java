package io.imagelib.monitor.domain;

/** What the monitor believes about a host. UNKNOWN until the first probes settle; never published. */
public enum HostStatus {
    UNKNOWN, UP, DOWN, DRAINING
}
