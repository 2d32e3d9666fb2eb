package io.imagelib.catalogsync.keystone;

/** Where the X-Auth-Token of catalog-sync's calls comes from. */
public interface TokenSource {

    /** A token believed valid now (may call Keystone). */
    String token();

    /** Keystone refused this token (401): forget it so the next {@link #token()} gets a fresh one. */
    void rejected(String token);
}
