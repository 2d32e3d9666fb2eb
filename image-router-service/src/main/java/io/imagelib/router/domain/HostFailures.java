package io.imagelib.router.domain;

/**
 * Where the proxy reports what it saw of a host (passive health): a failure, so the monitor probes it at once, and
 * image data flowing from it, so the monitor knows a host whose probes time out is busy serving, not dead.
 */
public interface HostFailures {

    /** What failed, in the terms of the host-observations topic. */
    enum Kind {
        CONNECTION_REFUSED, TIMEOUT, RESET, HTTP_5XX
    }

    /** Must not block the request thread; {@code detail} is short text and never carries a credential. */
    void observed(Upstream host, Kind kind, String detail);

    /**
     * The host just delivered bytes of an image body. Called for every chunk read, so it must be cheap and never block;
     * the implementation decides how often to pass it on.
     */
    void served(Upstream host);
}
