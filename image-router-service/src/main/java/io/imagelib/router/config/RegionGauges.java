package io.imagelib.router.config;

import io.imagelib.router.domain.HostSnapshot;
import io.imagelib.router.domain.LiveHosts;
import io.imagelib.router.domain.Registration;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

/**
 * What the region alerts read, per region with at least one registered host: {@code imagelib.router.hosts.up} (UP
 * hosts the router reads from) and {@code imagelib.router.panic.active} (1 while it routes the region in panic mode).
 * Both read the live snapshot at scrape time; a region's gauges go when its last host loses the role, so removing a
 * region on purpose does not look like a region without an UP host.
 */
public final class RegionGauges implements BiConsumer<HostSnapshot, HostSnapshot> {

    public static final String HOSTS_UP = "imagelib.router.hosts.up";
    public static final String PANIC_ACTIVE = "imagelib.router.panic.active";

    private final LiveHosts hosts;
    private final MeterRegistry registry;
    private final Map<String, List<Meter>> gaugesByRegion = new HashMap<>();

    public RegionGauges(LiveHosts hosts, MeterRegistry registry) {
        this.hosts = hosts;
        this.registry = registry;
    }

    /** Swaps may come from several writer threads: the set of registered gauges is changed by one at a time. */
    @Override
    public synchronized void accept(HostSnapshot before, HostSnapshot after) {
        Set<String> regions = after.registrations().values().stream().map(Registration::region)
                .collect(Collectors.toSet());
        gaugesByRegion.keySet().removeIf(region -> {
            boolean gone = !regions.contains(region);
            if (gone) {
                gaugesByRegion.get(region).forEach(registry::remove);
            }
            return gone;
        });
        regions.forEach(region -> gaugesByRegion.computeIfAbsent(region, this::register));
    }

    private List<Meter> register(String region) {
        Gauge up = Gauge.builder(HOSTS_UP, hosts, live -> live.snapshot().healthy(region).size())
                .description("UP hosts of the region the router reads from").tag("region", region)
                .register(registry);
        Gauge panic = Gauge.builder(PANIC_ACTIVE, hosts, live -> live.snapshot().inPanic(region) ? 1 : 0)
                .description("1 while no host of the region is UP and the router uses its non-draining hosts anyway")
                .tag("region", region).register(registry);
        return List.of(up, panic);
    }
}
