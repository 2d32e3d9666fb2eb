package io.imagelib.monitor.domain;

/**
 * The classified result of one probe round. The reason strings are the published {@code HostHealth.reason} values.
 */
public enum ProbeOutcome {
    /** /healthcheck answered 200 (and, on deep rounds, /v2/images answered 2xx). */
    OK(Signal.HEALTHY, null),
    /** /healthcheck answered 503 "DISABLED BY FILE": Glance's drain switch. */
    DISABLED_BY_FILE(Signal.DRAINING, "disabled-by-file"),
    /** Nothing listens on the port (the process is gone). */
    REFUSED(Signal.FAILING, "refused"),
    /** No connection or no answer within the timeouts (host hung, overloaded or unreachable). */
    TIMEOUT(Signal.FAILING, "timeout"),
    /** /healthcheck answered 5xx other than the drain switch. */
    HTTP_5XX(Signal.FAILING, "http-5xx"),
    /** /healthcheck answered something that is neither 200 nor 5xx (e.g. 404: not a Glance with the healthcheck filter). */
    HTTP_UNEXPECTED(Signal.FAILING, "http-unexpected"),
    /** /healthcheck was fine but /v2/images?limit=1 (API and database) answered non-2xx or broke. */
    DEEP_CHECK_FAILED(Signal.FAILING, "deep-check-failed"),
    /** /healthcheck was fine but /v2/images?limit=1 did not answer in time: published as "deep-check-failed" too. */
    DEEP_CHECK_TIMEOUT(Signal.FAILING, "deep-check-failed"),
    /** The connection broke in another way (reset, closed mid-response). */
    IO_ERROR(Signal.FAILING, "io-error");

    private final Signal signal;
    private final String reason;

    ProbeOutcome(Signal signal, String reason) {
        this.signal = signal;
        this.reason = reason;
    }

    public Signal signal() {
        return signal;
    }

    /**
     * Whether this outcome only says the host was slow to answer, which a busy host and a hung one both are; the other
     * failures (refused, reset, 5xx, a wrong answer) are conclusive: a host that serves does not produce them.
     */
    public boolean inconclusive() {
        return this == TIMEOUT || this == DEEP_CHECK_TIMEOUT;
    }

    /** Whether the deep check of this round failed, so deep checks run every round until one passes. */
    public boolean deepFailed() {
        return this == DEEP_CHECK_FAILED || this == DEEP_CHECK_TIMEOUT;
    }

    /** The published reason; null for OK (UP carries no reason). */
    public String reason() {
        return reason;
    }
}
