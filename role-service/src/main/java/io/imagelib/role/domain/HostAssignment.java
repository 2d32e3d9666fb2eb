package io.imagelib.role.domain;

import java.time.Instant;

/**
 * A role a host holds, as recorded on the host-roles topic.
 *
 * @param assignedAt when the role was first assigned; updates keep it, because the newest assignment is the
 *                   preferred admin endpoint and editing a URL does not make a host newer
 */
public record HostAssignment(Role role, Instant assignedAt, String assignedBy, String requestId) {

    public String region() {
        return role.region();
    }

    public String hostId() {
        return role.hostId();
    }

    public Storage storage() {
        return role.storage();
    }
}
