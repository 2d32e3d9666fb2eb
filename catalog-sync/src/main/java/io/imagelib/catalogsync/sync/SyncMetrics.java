package io.imagelib.catalogsync.sync;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * Meters of every catalog-sync decision, tagged by region:
 * {@code imagelib.catalogsync.syncs} (outcome patched | in-sync | superseded),
 * {@code imagelib.catalogsync.failures} (reason unavailable | unauthorized | forbidden | not-found | missing-endpoint | ...),
 * {@code imagelib.catalogsync.lag} (decision time to the catalog carrying it).
 */
public final class SyncMetrics {

    private final MeterRegistry registry;

    public SyncMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void synced(String region, boolean patched, Duration lagOrNull) {
        registry.counter("imagelib.catalogsync.syncs", "region", region, "outcome", patched ? "patched" : "in-sync")
                .increment();
        if (lagOrNull != null) {
            Timer.builder("imagelib.catalogsync.lag").tag("region", region)
                    .description("from the admin decision to Keystone carrying its URL")
                    .register(registry).record(lagOrNull.isNegative() ? Duration.ZERO : lagOrNull);
        }
    }

    void superseded(String region) {
        registry.counter("imagelib.catalogsync.syncs", "region", region, "outcome", "superseded").increment();
    }

    void failed(String region, String reason) {
        registry.counter("imagelib.catalogsync.failures", "region", region, "reason", reason).increment();
    }
}
