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
    /** /healthcheck was fine but /v2/images?limit=1 (API and database) failed or answered non-2xx. */
    DEEP_CHECK_FAILED(Signal.FAILING, "deep-check-failed"),
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

    /** The published reason; null for OK (UP carries no reason). */
    public String reason() {
        return reason;
    }
}
