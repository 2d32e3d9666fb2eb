package io.imagelib.catalogsync.domain;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One admin decision of endpoint-service for a region, as catalog-sync needs it. {@code url} is null when the
 * decision names no admin (no healthy host, never had one); {@code reason} is why the decision was made, for logs.
 */
public record AdminDecision(String region, String hostId, String url, long epoch, String reason, Instant changedAt) {

    public AdminDecision {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(changedAt, "changedAt");
    }

    /** What the catalog should say after this decision; empty when it names no URL (keep what Keystone has). */
    public Optional<DesiredAdmin> desired() {
        return url == null ? Optional.empty() : Optional.of(new DesiredAdmin(region, hostId, url, epoch, changedAt));
    }
}
