package io.imagelib.endpoint.kafka;

import io.imagelib.avro.HostHealth;
import io.imagelib.avro.HostRole;
import io.imagelib.endpoint.domain.Health;
import io.imagelib.endpoint.domain.HostUpdate;

/**
 * A host update on its way from the hostId-keyed input topics to the region-keyed election (the repartition topic).
 * Unlike the input tombstones it names the host explicitly, so a role removal still reaches its region.
 */
record HostUpdateMessage(Kind kind, String hostId, StoredRegion.StoredRole role, Health health) {

    enum Kind { ASSIGNED, ROLE_REMOVED, HEALTH_CHANGED, HEALTH_FORGOTTEN }

    static HostUpdateMessage assigned(HostRole role) {
        return new HostUpdateMessage(Kind.ASSIGNED, role.getHostId(), new StoredRegion.StoredRole(role.getHostId(),
                role.getPublicUrl(), role.getAdminUrl(), role.getAssignedAt().toEpochMilli()), null);
    }

    static HostUpdateMessage roleRemoved(String hostId) {
        return new HostUpdateMessage(Kind.ROLE_REMOVED, hostId, null, null);
    }

    static HostUpdateMessage healthChanged(HostHealth health) {
        return new HostUpdateMessage(Kind.HEALTH_CHANGED, health.getHostId(), null, AvroMapping.health(health.getStatus()));
    }

    static HostUpdateMessage healthForgotten(String hostId) {
        return new HostUpdateMessage(Kind.HEALTH_FORGOTTEN, hostId, null, null);
    }

    HostUpdate toDomain() {
        return switch (kind) {
            case ASSIGNED -> new HostUpdate.Assigned(role.toDomain());
            case ROLE_REMOVED -> new HostUpdate.RoleRemoved(hostId);
            case HEALTH_CHANGED -> new HostUpdate.HealthChanged(hostId, health);
            case HEALTH_FORGOTTEN -> new HostUpdate.HealthForgotten(hostId);
        };
    }
}
