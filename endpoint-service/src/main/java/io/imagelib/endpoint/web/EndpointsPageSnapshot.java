package io.imagelib.endpoint.web;

import io.imagelib.avro.AdminChangeReason;
import io.imagelib.avro.AdminEndpoint;
import io.imagelib.avro.ImageEndpoint;
import io.imagelib.avro.RegionEndpoints;
import io.imagelib.endpoint.domain.EndpointIds;
import io.imagelib.endpoint.domain.EndpointInterface;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;

/** What the API Endpoints page shows: every region's image-cluster service, whole, as one JSON document. */
record EndpointsPageSnapshot(Instant generatedAt, List<Region> regions) {

    record Region(String region, String serviceName, long epoch, Instant updatedAt, Admin admin, List<Host> hosts,
                  List<Change> recentChanges) {
    }

    /**
     * One host. {@code adminEndpointId} is the id to PATCH to make this host admin; {@code admin} follows the
     * epoch-fenced admin-endpoint record, so the mark moves as soon as the election publishes.
     */
    record Host(String hostId, String publicUrl, String adminUrl, String adminEndpointId, Instant assignedAt,
                String status, boolean admin) {
    }

    /** The admin on record; {@code serving} is false while no healthy host can take it (NO_HEALTHY_HOST). */
    record Admin(String hostId, String url, long epoch, String reason, String previousHostId, Instant changedAt,
                 String detail, boolean serving) {
    }

    record Change(long epoch, String hostId, String previousHostId, String reason, Instant changedAt, String detail) {
    }

    static EndpointsPageSnapshot of(Instant now, Map<String, RegionEndpoints> lists, Map<String, AdminEndpoint> admins,
                                    Function<String, List<AdminEndpoint>> recent) {
        TreeSet<String> names = new TreeSet<>(lists.keySet());
        names.addAll(admins.keySet());
        return new EndpointsPageSnapshot(now, names.stream()
                .map(name -> region(name, Optional.ofNullable(lists.get(name)), Optional.ofNullable(admins.get(name)),
                        recent.apply(name)))
                .toList());
    }

    private static Region region(String name, Optional<RegionEndpoints> list, Optional<AdminEndpoint> admin,
                                 List<AdminEndpoint> recent) {
        String adminHost = admin.map(AdminEndpoint::getHostId).orElse(null);
        // The two topics commit together but are read by two readers: show the newer epoch of the two.
        long epoch = Math.max(list.map(RegionEndpoints::getEpoch).orElse(0L), admin.map(AdminEndpoint::getEpoch).orElse(0L));
        List<Host> hosts = list.map(l -> l.getEndpoints().stream().map(h -> host(name, h, adminHost)).toList())
                .orElse(List.of());
        return new Region(name, list.map(RegionEndpoints::getServiceName).orElse("image-cluster"), epoch,
                list.map(RegionEndpoints::getUpdatedAt).orElse(null), admin.map(EndpointsPageSnapshot::admin).orElse(null),
                hosts, recent.stream().map(EndpointsPageSnapshot::change).toList());
    }

    private static Host host(String region, ImageEndpoint host, String adminHost) {
        return new Host(host.getHostId(), host.getPublicUrl(), host.getAdminUrl(),
                EndpointIds.id(region, EndpointInterface.ADMIN, host.getHostId()), host.getAssignedAt(),
                host.getStatus().name(), host.getHostId().equals(adminHost));
    }

    private static Admin admin(AdminEndpoint a) {
        return new Admin(a.getHostId(), a.getUrl(), a.getEpoch(), a.getReason().name(), a.getPreviousHostId(),
                a.getChangedAt(), a.getDetail(), a.getHostId() != null && a.getReason() != AdminChangeReason.NO_HEALTHY_HOST);
    }

    private static Change change(AdminEndpoint a) {
        return new Change(a.getEpoch(), a.getHostId(), a.getPreviousHostId(), a.getReason().name(), a.getChangedAt(),
                a.getDetail());
    }
}
