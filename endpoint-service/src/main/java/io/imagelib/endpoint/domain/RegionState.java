package io.imagelib.endpoint.domain;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the election knows about one region: who holds the role, how each host is doing, the admin on record,
 * and how far assignments have been considered for the "last assigned becomes admin" rule.
 *
 * @param roles               hosts holding the role, by hostId
 * @param health              latest health per hostId; kept apart from roles because health and role records travel
 *                            on different topics and may arrive in either order
 * @param assignmentWatermark newest {@code assignedAt} already considered; a host assigned later is a newcomer
 */
public record RegionState(String region, Map<String, RoleFact> roles, Map<String, Health> health,
                          Optional<AdminRecord> admin, Instant assignmentWatermark) {

    public RegionState {
        roles = Map.copyOf(roles);
        health = Map.copyOf(health);
    }

    public static RegionState empty(String region) {
        return new RegionState(region, Map.of(), Map.of(), Optional.empty(), Instant.EPOCH);
    }

    public Health healthOf(String hostId) {
        return health.getOrDefault(hostId, Health.UNKNOWN);
    }

    public boolean isRegistered(String hostId) {
        return roles.containsKey(hostId);
    }

    /** The facts after one host update; deciding what it means is {@link AdminElection}'s job. */
    public RegionState apply(HostUpdate update) {
        Map<String, RoleFact> newRoles = new HashMap<>(roles);
        Map<String, Health> newHealth = new HashMap<>(health);
        switch (update) {
            case HostUpdate.Assigned assigned -> newRoles.put(assigned.hostId(), assigned.role());
            case HostUpdate.RoleRemoved removed -> newRoles.remove(removed.hostId());
            case HostUpdate.HealthChanged changed -> newHealth.put(changed.hostId(), changed.status());
            case HostUpdate.HealthForgotten forgotten -> newHealth.remove(forgotten.hostId());
        }
        return new RegionState(region, newRoles, newHealth, admin, assignmentWatermark);
    }

    RegionState withAdmin(AdminRecord newAdmin) {
        return new RegionState(region, roles, health, Optional.of(newAdmin), assignmentWatermark);
    }

    RegionState withAssignmentWatermark(Instant watermark) {
        return new RegionState(region, roles, health, admin, watermark);
    }

    public long epoch() {
        return admin.map(AdminRecord::epoch).orElse(0L);
    }
}
