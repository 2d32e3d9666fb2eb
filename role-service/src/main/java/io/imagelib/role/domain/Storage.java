package io.imagelib.role.domain;

/**
 * Where a host keeps image data.
 *
 * @param mountPath  NFS: the path the share is mounted at (the same on every host); LOCAL: optional data directory
 * @param storageId  NFS: identity of the share, the content of the id file the operator wrote at the share's root
 *                   ({@code cat <mountPath>/.imagelib-storage-id}); tells two different shares at one path apart
 * @param volumeType BLOCK: the block-storage volume type named in the cluster blueprint
 */
public record Storage(StorageType type, String mountPath, String storageId, String volumeType) {

    public Storage {
        // "/data/" and "/data" are the same mount point; compare them as such
        if (mountPath != null && mountPath.length() > 1 && mountPath.endsWith("/")) {
            mountPath = mountPath.replaceAll("/+$", "");
            mountPath = mountPath.isEmpty() ? "/" : mountPath;
        }
    }

    public static Storage nfs(String mountPath, String storageId) {
        return new Storage(StorageType.NFS, mountPath, storageId, null);
    }

    public static Storage block(String volumeType) {
        return new Storage(StorageType.BLOCK, null, null, volumeType);
    }

    public static Storage local() {
        return new Storage(StorageType.LOCAL, null, null, null);
    }

    /** How an operator would name this backend in a sentence. */
    public String describe() {
        return switch (type) {
            case NFS -> "NFS share '" + storageId + "' mounted at " + mountPath;
            case BLOCK -> "block storage of volume type '" + volumeType + "'";
            case LOCAL -> "local storage";
            case UNKNOWN -> "an unknown storage type";
        };
    }
}
