package io.imagelib.endpoint.domain;

import java.time.Instant;

/** Small builders so election tests read as stories. */
final class Regions {

    static final String REGION = "SJC";
    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    private Regions() {
    }

    static RoleFact role(String hostId, int assignedAtSecond) {
        return new RoleFact(hostId, "https://" + hostId + ":9292", "https://" + hostId + ":9494",
                Instant.EPOCH.plusSeconds(1_000_000 + assignedAtSecond));
    }

    static HostUpdate assigned(String hostId, int assignedAtSecond) {
        return new HostUpdate.Assigned(role(hostId, assignedAtSecond));
    }

    static HostUpdate up(String hostId) {
        return new HostUpdate.HealthChanged(hostId, Health.UP);
    }

    static HostUpdate down(String hostId) {
        return new HostUpdate.HealthChanged(hostId, Health.DOWN);
    }

    static HostUpdate draining(String hostId) {
        return new HostUpdate.HealthChanged(hostId, Health.DRAINING);
    }

    static HostUpdate removed(String hostId) {
        return new HostUpdate.RoleRemoved(hostId);
    }

    /** A region after the updates, each followed by the election as the service runs it. */
    static RegionState given(HostUpdate... updates) {
        RegionState state = RegionState.empty(REGION);
        for (HostUpdate update : updates) {
            state = AdminElection.decide(state.apply(update), NOW).next();
        }
        return state;
    }

    static Decision when(RegionState state, HostUpdate update) {
        return AdminElection.decide(state.apply(update), NOW);
    }

    static SetAdmin setAdminUrl(String url) {
        return new SetAdmin("req-1", null, url, "operator");
    }
}
