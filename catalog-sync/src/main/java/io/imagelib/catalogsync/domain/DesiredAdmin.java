package io.imagelib.catalogsync.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * What the catalog should say for a region: the admin URL decided at {@code epoch}. A region whose last decision
 * carried no URL (no healthy host, never had an admin) has no desired state: we keep what Keystone has.
 */
public record DesiredAdmin(String region, String hostId, String url, long epoch, Instant changedAt) {

    public DesiredAdmin {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(changedAt, "changedAt");
    }
}
