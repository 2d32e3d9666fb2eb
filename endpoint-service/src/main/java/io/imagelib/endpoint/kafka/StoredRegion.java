package io.imagelib.endpoint.kafka;

import io.imagelib.endpoint.domain.AdminReason;
import io.imagelib.endpoint.domain.AdminRecord;
import io.imagelib.endpoint.domain.Health;
import io.imagelib.endpoint.domain.RegionState;
import io.imagelib.endpoint.domain.RoleFact;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A region's election state as kept in the {@code regions} store (and its changelog), the epoch included. Enums are
 * stored by name, so the domain's {@link Health} and {@link AdminReason} read the changelog the Avro enums wrote.
 */
record StoredRegion(String region, List<StoredRole> roles, Map<String, Health> health, StoredAdmin admin,
                    long assignmentWatermarkMillis) {

    record StoredRole(String hostId, String publicUrl, String adminUrl, long assignedAtMillis) {

        static StoredRole of(RoleFact role) {
            return new StoredRole(role.hostId(), role.publicUrl(), role.adminUrl(), role.assignedAt().toEpochMilli());
        }

        RoleFact toDomain() {
            return new RoleFact(hostId, publicUrl, adminUrl, Instant.ofEpochMilli(assignedAtMillis));
        }
    }

    record StoredAdmin(String hostId, String url, long epoch, AdminReason reason, boolean serving,
                       long changedAtMillis) {
    }

    static StoredRegion of(RegionState state) {
        StoredAdmin admin = state.admin().map(a -> new StoredAdmin(a.hostId(), a.url(), a.epoch(), a.reason(),
                a.serving(), a.changedAt().toEpochMilli())).orElse(null);
        return new StoredRegion(state.region(), state.roles().values().stream().map(StoredRole::of).toList(),
                state.health(), admin, state.assignmentWatermark().toEpochMilli());
    }

    RegionState toDomain() {
        Optional<AdminRecord> adminRecord = Optional.ofNullable(admin).map(a -> new AdminRecord(a.hostId(), a.url(),
                a.epoch(), a.reason(), a.serving(), Instant.ofEpochMilli(a.changedAtMillis())));
        return new RegionState(region,
                roles.stream().map(StoredRole::toDomain).collect(Collectors.toMap(RoleFact::hostId, Function.identity())),
                health, adminRecord, Instant.ofEpochMilli(assignmentWatermarkMillis));
    }
}
