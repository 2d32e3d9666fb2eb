package io.imagelib.endpoint.kafka;

import io.imagelib.avro.AdminEndpoint;
import io.imagelib.avro.CommandOutcome;
import io.imagelib.avro.EndpointCommand;
import io.imagelib.avro.EndpointCommandResult;
import io.imagelib.avro.ImageEndpoint;
import io.imagelib.avro.RegionEndpoints;
import io.imagelib.endpoint.domain.AdminChange;
import io.imagelib.endpoint.domain.AdminRecord;
import io.imagelib.endpoint.domain.Refusal;
import io.imagelib.endpoint.domain.RegionState;
import io.imagelib.endpoint.domain.RoleFact;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/** The election's results in the catalogue's contracts. */
final class Published {

    private Published() {
    }

    static AdminEndpoint adminEndpoint(AdminChange change) {
        AdminRecord admin = change.admin();
        return AdminEndpoint.newBuilder()
                .setRegion(change.region())
                .setHostId(admin.hostId())
                .setUrl(admin.url())
                .setEpoch(admin.epoch())
                .setReason(AvroMapping.reason(admin.reason()))
                .setPreviousHostId(change.previousHostId())
                .setChangedAt(admin.changedAt())
                .setDetail(change.detail())
                .build();
    }

    /** Every host holding the role, sorted by hostId, with its health and the admin mark. */
    static List<ImageEndpoint> endpoints(RegionState state) {
        String servingAdmin = state.admin().filter(AdminRecord::serving).map(AdminRecord::hostId).orElse(null);
        return state.roles().values().stream()
                .sorted(Comparator.comparing(RoleFact::hostId))
                .map(role -> ImageEndpoint.newBuilder()
                        .setHostId(role.hostId())
                        .setPublicUrl(role.publicUrl())
                        .setAdminUrl(role.adminUrl())
                        .setStatus(AvroMapping.health(state.healthOf(role.hostId())))
                        .setAdmin(role.hostId().equals(servingAdmin))
                        .setAssignedAt(role.assignedAt())
                        .build())
                .toList();
    }

    static RegionEndpoints regionEndpoints(RegionState state, List<ImageEndpoint> endpoints, Instant now) {
        return RegionEndpoints.newBuilder()
                .setRegion(state.region())
                .setEpoch(state.epoch())
                .setEndpoints(endpoints)
                .setUpdatedAt(now)
                .build();
    }

    static EndpointCommandResult accepted(EndpointCommand command, AdminRecord admin, Instant now) {
        return EndpointCommandResult.newBuilder()
                .setRequestId(command.getRequestId())
                .setRegion(command.getRegion())
                .setOutcome(CommandOutcome.ACCEPTED)
                .setHostId(admin.hostId())
                .setEpoch(admin.epoch())
                .setDecidedAt(now)
                .build();
    }

    static EndpointCommandResult refused(EndpointCommand command, Refusal refusal, Instant now) {
        return EndpointCommandResult.newBuilder()
                .setRequestId(command.getRequestId())
                .setRegion(command.getRegion())
                .setOutcome(CommandOutcome.REFUSED)
                .setRefusal(refusal.code().slug())
                .setReason(refusal.message())
                .setDecidedAt(now)
                .build();
    }
}
