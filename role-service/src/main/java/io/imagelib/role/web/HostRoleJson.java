package io.imagelib.role.web;

import io.imagelib.role.domain.HostAssignment;
import java.time.Instant;

/** A host's image-library role as the API answers it. */
public record HostRoleJson(String region, String hostId, String publicUrl, String adminUrl, StorageJson storage,
                           Instant assignedAt, String assignedBy) {

    static HostRoleJson of(HostAssignment a) {
        return new HostRoleJson(a.region(), a.hostId(), a.role().publicUrl(), a.role().adminUrl(),
                StorageJson.of(a.storage()), a.assignedAt(), a.assignedBy());
    }
}
