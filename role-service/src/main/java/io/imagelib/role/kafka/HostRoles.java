package io.imagelib.role.kafka;

import io.imagelib.avro.HostRole;
import io.imagelib.avro.StorageBackend;
import io.imagelib.role.domain.HostAssignment;
import io.imagelib.role.domain.Role;
import io.imagelib.role.domain.Storage;
import io.imagelib.role.domain.StorageType;

/** Maps the host-roles topic's Avro records to the domain and back; nothing else. */
public final class HostRoles {

    private HostRoles() {
    }

    public static HostRole toAvro(HostAssignment assignment) {
        Role role = assignment.role();
        Storage storage = role.storage();
        return HostRole.newBuilder()
                .setRegion(role.region())
                .setHostId(role.hostId())
                .setPublicUrl(role.publicUrl())
                .setAdminUrl(role.adminUrl())
                .setStorage(StorageBackend.newBuilder()
                        .setType(io.imagelib.avro.StorageType.valueOf(storage.type().name()))
                        .setMountPath(storage.mountPath())
                        .setStorageId(storage.storageId())
                        .setVolumeType(storage.volumeType())
                        .build())
                .setAssignedAt(assignment.assignedAt())
                .setAssignedBy(assignment.assignedBy())
                .setRequestId(assignment.requestId())
                .build();
    }

    public static HostAssignment toDomain(HostRole record) {
        StorageBackend storage = record.getStorage();
        return new HostAssignment(
                new Role(record.getRegion(), record.getHostId(), record.getPublicUrl(), record.getAdminUrl(),
                        new Storage(StorageType.valueOf(storage.getType().name()), storage.getMountPath(),
                                storage.getStorageId(), storage.getVolumeType())),
                record.getAssignedAt(), record.getAssignedBy(), record.getRequestId());
    }
}
