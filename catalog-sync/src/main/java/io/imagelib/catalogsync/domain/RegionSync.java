package io.imagelib.catalogsync.domain;

import java.time.Instant;
import java.util.Optional;

/**
 * Where one region stands: the latest desired admin, the epoch Keystone was last brought to, and the failures of
 * the current attempt series (reset when the latest epoch is synced or a newer one arrives).
 */
public record RegionSync(DesiredAdmin desired, long syncedEpoch, Instant syncedAt, int failedAttempts,
                         Optional<String> lastError) {

    /** No epoch synced yet. */
    public static final long NEVER = -1;

    static RegionSync wanting(DesiredAdmin desired) {
        return new RegionSync(desired, NEVER, null, 0, Optional.empty());
    }

    public boolean inSync() {
        return syncedEpoch == desired.epoch();
    }
}
