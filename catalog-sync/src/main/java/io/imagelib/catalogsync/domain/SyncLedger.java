package io.imagelib.catalogsync.domain;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Immutable record of every region's desired and synced state. It is the fence of catalog-sync: only the latest
 * epoch of a region can be desired, and a result (synced or failed) for any other epoch is ignored, so a slow
 * attempt for epoch n cannot mark the region synced once n+1 is wanted.
 */
public record SyncLedger(Map<String, RegionSync> regions) {

    public static final SyncLedger EMPTY = new SyncLedger(Map.of());

    public SyncLedger {
        regions = Map.copyOf(regions);
    }

    /** Wants {@code desired} when it is newer than what the region wants; otherwise returns this ledger. */
    public SyncLedger want(DesiredAdmin desired) {
        var current = regions.get(desired.region());
        if (current != null && current.desired().epoch() >= desired.epoch()) {
            return this;
        }
        var next = current == null
                ? RegionSync.wanting(desired)
                : new RegionSync(desired, current.syncedEpoch(), current.syncedAt(), 0, Optional.empty());
        return with(next);
    }

    /** True while {@code epoch} is still what the region wants: the only epoch worth acting on. */
    public boolean isLatest(String region, long epoch) {
        var current = regions.get(region);
        return current != null && current.desired().epoch() == epoch;
    }

    public SyncLedger synced(String region, long epoch, Instant at) {
        if (!isLatest(region, epoch)) {
            return this;
        }
        var current = regions.get(region);
        return with(new RegionSync(current.desired(), epoch, at, 0, Optional.empty()));
    }

    public SyncLedger failed(String region, long epoch, String error) {
        if (!isLatest(region, epoch)) {
            return this;
        }
        var current = regions.get(region);
        return with(new RegionSync(current.desired(), current.syncedEpoch(), current.syncedAt(),
                current.failedAttempts() + 1, Optional.of(error)));
    }

    public Optional<RegionSync> region(String region) {
        return Optional.ofNullable(regions.get(region));
    }

    private SyncLedger with(RegionSync sync) {
        var next = new HashMap<>(regions);
        next.put(sync.desired().region(), sync);
        return new SyncLedger(next);
    }
}
