package io.imagelib.role.domain;

/** The rules an assignment or removal can break, with the stable slug clients match on. */
public enum Rule {
    INVALID_URL("invalid-url", "URL not usable", Kind.INVALID),
    INVALID_STORAGE("invalid-storage", "Storage description incomplete", Kind.INVALID),
    CROSS_REGION("cross-region", "Cross-region image library is not supported", Kind.CONFLICT),
    LOCAL_STORAGE_MULTI_HOST("local-storage-multi-host", "Shared storage required", Kind.CONFLICT),
    STORAGE_TYPE_MISMATCH("storage-type-mismatch", "Region uses another storage type", Kind.CONFLICT),
    NFS_MOUNT_PATH_MISMATCH("nfs-mount-path-mismatch", "NFS share must be mounted at the same path on every host", Kind.CONFLICT),
    NFS_STORAGE_ID_MISMATCH("nfs-storage-id-mismatch", "Hosts mount different NFS shares", Kind.CONFLICT),
    BLOCK_VOLUME_TYPE_MISMATCH("block-volume-type-mismatch", "Hosts use different block-storage volume types", Kind.CONFLICT),
    NOT_ASSIGNED("not-assigned", "Host does not hold the role here", Kind.NOT_FOUND);

    /** How a broken rule is answered: the request itself is wrong, it clashes with the region, or there is nothing to act on. */
    public enum Kind { INVALID, CONFLICT, NOT_FOUND }

    private final String slug;
    private final String title;
    private final Kind kind;

    Rule(String slug, String title, Kind kind) {
        this.slug = slug;
        this.title = title;
        this.kind = kind;
    }

    public String slug() {
        return slug;
    }

    public String title() {
        return title;
    }

    public Kind kind() {
        return kind;
    }
}
