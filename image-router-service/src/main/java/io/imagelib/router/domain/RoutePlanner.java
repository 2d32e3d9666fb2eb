package io.imagelib.router.domain;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The hosts to try for one request, in order. Reads rotate over the region's UP hosts; writes go to the admin host
 * first (unless the monitor says it is DOWN or DRAINING) and then to the other UP hosts, as the seed describes for
 * image creation. Locally quarantined hosts go last: a router's own suspicion must not empty a region.
 * <p>
 * Panic mode (Envoy's panic threshold, at zero): when the region has registered hosts but none is UP, the monitor's
 * verdict is more likely wrong (a starved monitor's probes time out on busy but serving hosts) than every host dead
 * at once, so the request goes over the registered hosts that are not DRAINING, admin first for writes, skipping
 * those that refused this router's connection within the quarantine: the router's own evidence of death outranks
 * the monitor's in panic.
 */
public final class RoutePlanner {

    private RoutePlanner() {
    }

    /**
     * @param turn        a counter that advances per request, for round robin
     * @param quarantined hosts this router saw fail recently
     * @param refused     hosts that refused this router's connection recently (a subset of the quarantined)
     * @param writeUrl    which registered URL writes use (public or admin URL of the host)
     */
    public static Route plan(HostSnapshot hosts, String region, ImageOperation operation, long turn,
                             Predicate<String> quarantined, Predicate<String> refused,
                             Function<Registration, URI> writeUrl) {
        boolean panic = hosts.inPanic(region);
        List<Registration> pool = panic
                ? hosts.panicCandidates(region).stream().filter(host -> !refused.test(host.hostId())).toList()
                : hosts.healthy(region);
        List<Registration> order = new ArrayList<>(pool.size() + 1);
        if (!operation.isRead()) {
            hosts.admin(region)
                    .filter(admin -> panic ? pool.contains(admin) : hosts.health(admin.hostId()) != Health.DOWN
                            && hosts.health(admin.hostId()) != Health.DRAINING)
                    .ifPresent(order::add);
        }
        int n = pool.size();
        for (int i = 0; i < n; i++) {
            Registration next = pool.get((int) Math.floorMod(turn + i, (long) n));
            if (!order.contains(next)) {
                order.add(next);
            }
        }
        List<Upstream> fresh = new ArrayList<>(order.size());
        List<Upstream> suspected = new ArrayList<>();
        for (Registration host : order) {
            URI base = operation.isRead() ? host.publicUrl() : writeUrl.apply(host);
            (quarantined.test(host.hostId()) ? suspected : fresh).add(new Upstream(host.hostId(), host.region(), base));
        }
        fresh.addAll(suspected);
        return new Route(fresh, panic);
    }
}
