package io.imagelib.role.web;

import io.imagelib.role.domain.Storage;
import io.imagelib.role.domain.StorageType;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** Storage backend of a host, in requests and answers. Which fields apply depends on the type. */
public record StorageJson(
        @NotNull @Schema(description = "NFS, BLOCK or LOCAL (LOCAL only for a single-host region)") Type type,
        @Size(max = 1024) @Schema(description = "NFS: absolute mount path, the same on every host", example = "/var/opt/imagelibrary/data")
        String mountPath,
        @Size(max = 256) @Schema(description = "NFS: content of .imagelib-storage-id at the root of the share", example = "nfs-sjc-01")
        String storageId,
        @Size(max = 256) @Schema(description = "BLOCK: block-storage volume type of the cluster blueprint", example = "ceph-ssd")
        String volumeType) {

    /** The types a client may ask for (the topic's UNKNOWN is for readers only). */
    public enum Type { NFS, BLOCK, LOCAL }

    Storage toDomain() {
        return new Storage(StorageType.valueOf(type.name()), mountPath, storageId, volumeType);
    }

    static StorageJson of(Storage storage) {
        Type type = storage.type() == StorageType.UNKNOWN ? null : Type.valueOf(storage.type().name());
        return new StorageJson(type, storage.mountPath(), storage.storageId(), storage.volumeType());
    }
}
