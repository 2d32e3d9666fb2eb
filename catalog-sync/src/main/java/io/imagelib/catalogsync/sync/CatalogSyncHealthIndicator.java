package io.imagelib.catalogsync.sync;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Per region: the desired epoch and URL, the last epoch Keystone was brought to, and the current failure streak.
 * DOWN while some region keeps failing (Keystone down, endpoint missing); not part of readiness, since restarting
 * or unrouting catalog-sync does not bring Keystone back.
 */
public final class CatalogSyncHealthIndicator implements HealthIndicator {

    private final CatalogSyncer syncer;

    public CatalogSyncHealthIndicator(CatalogSyncer syncer) {
        this.syncer = syncer;
    }

    @Override
    public Health health() {
        var builder = Health.up();
        new TreeMap<>(syncer.ledger().regions()).forEach((name, region) -> {
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("desiredEpoch", region.desired().epoch());
            detail.put("desiredUrl", region.desired().url());
            detail.put("adminHost", region.desired().hostId());
            detail.put("lastSyncedEpoch", region.syncedEpoch());
            if (region.syncedAt() != null) {
                detail.put("lastSyncedAt", region.syncedAt().toString());
            }
            detail.put("inSync", region.inSync());
            detail.put("failedAttempts", region.failedAttempts());
            region.lastError().ifPresent(error -> detail.put("lastError", error));
            builder.withDetail(name, detail);
            if (region.failedAttempts() > 0 && !region.inSync()) {
                builder.down();
            }
        });
        return builder.build();
    }
}
