package io.imagelib.router.domain;

/** Where the proxy reports a host it saw fail (passive health), so the monitor probes it at once. */
@FunctionalInterface
public interface HostFailures {

    /** What failed, in the terms of the host-observations topic. */
    enum Kind {
        CONNECTION_REFUSED, TIMEOUT, RESET, HTTP_5XX
    }

    /** Must not block the request thread; {@code detail} is short text and never carries a credential. */
    void observed(Upstream host, Kind kind, String detail);
}
