package io.imagelib.role.domain;

/** Kind of image storage a host's Glance uses. UNKNOWN stands for a kind written by a newer producer. */
public enum StorageType {
    NFS, BLOCK, LOCAL, UNKNOWN
}
