package io.imagelib.endpoint.domain;


/** One fact about one host of a region changed; the election then reconciles the whole region. */
public sealed interface HostUpdate {

    String hostId();

    record Assigned(RoleFact role) implements HostUpdate {
        @Override
        public String hostId() {
            return role.hostId();
        }
    }

    record RoleRemoved(String hostId) implements HostUpdate {
    }

    record HealthChanged(String hostId, Health status) implements HostUpdate {
    }

    /** The monitor forgot the host (health tombstone): its health is unknown again. */
    record HealthForgotten(String hostId) implements HostUpdate {
    }
}
