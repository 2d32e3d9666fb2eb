package io.imagelib.router.domain;

/** Health of a host as the monitor last reported it; only UP hosts get new work (DRAINING finishes, takes none). */
public enum Health {
    UNKNOWN, UP, DOWN, DRAINING
}
