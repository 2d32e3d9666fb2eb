package io.imagelib.router.domain;

import java.util.List;

/**
 * The hosts to try for one request, in order, and whether they were chosen in panic mode (the region has registered
 * hosts but none the monitor reports UP, so the router tries them anyway rather than refuse every request).
 */
public record Route(List<Upstream> hosts, boolean panic) {

    public Route {
        hosts = List.copyOf(hosts);
    }

    public boolean isEmpty() {
        return hosts.isEmpty();
    }
}
