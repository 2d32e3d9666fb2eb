package io.imagelib.role.service;

import io.imagelib.role.domain.HostAssignment;

/** The durable record of roles: the host-roles topic in production. */
public interface RoleLog {

    /**
     * Records an assignment (or, with null, a removal) and returns once it is durable (acknowledged by all in-sync
     * replicas) and visible in this instance's {@link RoleStateStore}, so the next decision sees it.
     * Throws an {@code ErrorResponseException} (503) when it cannot be made durable.
     */
    void write(String hostId, HostAssignment assignmentOrNull);
}
