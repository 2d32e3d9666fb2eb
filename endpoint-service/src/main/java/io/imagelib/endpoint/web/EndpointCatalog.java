package io.imagelib.endpoint.web;

import io.imagelib.avro.AdminChangeReason;
import io.imagelib.avro.AdminEndpoint;
import io.imagelib.avro.HealthStatus;
import io.imagelib.avro.ImageEndpoint;
import io.imagelib.avro.RegionEndpoints;
import io.imagelib.endpoint.domain.EndpointIds;
import io.imagelib.endpoint.domain.EndpointInterface;
import io.imagelib.support.endpoint.AdminEndpointWatcher;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * The endpoint list as the published topics say: region-endpoints for the per-host rows, the admin-endpoint
 * watcher (epoch-fenced) for the admin row. Request threads read immutable snapshots; nothing here locks.
 */
public final class EndpointCatalog {

    /** Which endpoint an id names. */
    public record EndpointRef(String region, EndpointInterface endpointInterface, String hostId) {
    }

    private final AdminEndpointWatcher admins;
    private final AtomicReference<Map<String, RegionEndpoints>> regions = new AtomicReference<>(Map.of());
    private final List<Runnable> regionListeners = new CopyOnWriteArrayList<>();

    public EndpointCatalog(AdminEndpointWatcher admins) {
        this.admins = admins;
    }

    /** Feeds the catalog from the compacted region-endpoints topic; a tombstone drops the region. */
    public void onRegionEndpoints(String region, RegionEndpoints endpoints) {
        regions.updateAndGet(current -> {
            Map<String, RegionEndpoints> next = new HashMap<>(current);
            if (endpoints == null) {
                next.remove(region);
            } else {
                next.put(region, endpoints);
            }
            return Map.copyOf(next);
        });
        regionListeners.forEach(Runnable::run);
    }

    /** Called on the reader thread after every region-endpoints record; keep it short. */
    public void onRegionsChange(Runnable listener) {
        regionListeners.add(listener);
    }

    /** The latest published endpoint list of every region (immutable). */
    public Map<String, RegionEndpoints> regions() {
        return regions.get();
    }

    /** The admin on record of every region (epoch-fenced). */
    public Map<String, AdminEndpoint> admins() {
        return admins.all();
    }

    public List<EndpointView> list(Optional<EndpointInterface> endpointInterface, Optional<String> region) {
        return Stream.of(EndpointInterface.values())
                .filter(i -> endpointInterface.isEmpty() || endpointInterface.get() == i)
                .flatMap(i -> i == EndpointInterface.ADMIN ? adminRows() : hostRows(i))
                .filter(row -> region.isEmpty() || region.get().equals(row.region()))
                .sorted(Comparator.comparing(EndpointView::region).thenComparing(EndpointView::endpointInterface)
                        .thenComparing(EndpointView::url))
                .toList();
    }

    /** Resolves an id against every host of every region, including the admin kept on record. */
    public Optional<EndpointRef> resolve(String id) {
        Stream<EndpointRef> hostRefs = regions.get().values().stream().flatMap(r -> r.getEndpoints().stream()
                .flatMap(host -> Stream.of(EndpointInterface.values())
                        .map(i -> new EndpointRef(r.getRegion(), i, host.getHostId()))));
        Stream<EndpointRef> adminRefs = admins.all().values().stream().filter(a -> a.getHostId() != null)
                .map(a -> new EndpointRef(a.getRegion(), EndpointInterface.ADMIN, a.getHostId()));
        return Stream.concat(adminRefs, hostRefs)
                .filter(ref -> EndpointIds.id(ref.region(), ref.endpointInterface(), ref.hostId()).equals(id))
                .findFirst();
    }

    public Optional<AdminEndpoint> admin(String region) {
        return admins.current(region);
    }

    /** The admin row of a region: the admin on record, disabled while no healthy host serves it. */
    public static EndpointView adminRow(AdminEndpoint admin) {
        return new EndpointView(EndpointIds.id(admin.getRegion(), EndpointInterface.ADMIN, admin.getHostId()),
                admin.getRegion(), EndpointView.SERVICE_NAME, EndpointView.SERVICE_TYPE,
                admin.getReason() != AdminChangeReason.NO_HEALTHY_HOST, EndpointInterface.ADMIN.wireName(),
                admin.getUrl());
    }

    private Stream<EndpointView> adminRows() {
        return admins.all().values().stream().filter(a -> a.getHostId() != null).map(EndpointCatalog::adminRow);
    }

    private Stream<EndpointView> hostRows(EndpointInterface endpointInterface) {
        return regions.get().values().stream().flatMap(r -> r.getEndpoints().stream()
                .map(host -> hostRow(r.getRegion(), endpointInterface, host)));
    }

    private static EndpointView hostRow(String region, EndpointInterface endpointInterface, ImageEndpoint host) {
        return new EndpointView(EndpointIds.id(region, endpointInterface, host.getHostId()), region,
                EndpointView.SERVICE_NAME, EndpointView.SERVICE_TYPE, host.getStatus() == HealthStatus.UP,
                endpointInterface.wireName(), host.getPublicUrl());
    }
}
