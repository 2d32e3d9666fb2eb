package io.imagelib.catalogsync.sync;

import io.imagelib.catalogsync.domain.AdminDecision;
import io.imagelib.catalogsync.domain.Backoff;
import io.imagelib.catalogsync.domain.CatalogAction;
import io.imagelib.catalogsync.domain.CatalogEndpoint;
import io.imagelib.catalogsync.domain.CatalogReconciler;
import io.imagelib.catalogsync.domain.DesiredAdmin;
import io.imagelib.catalogsync.domain.RegionSync;
import io.imagelib.catalogsync.domain.SyncLedger;
import io.imagelib.catalogsync.keystone.KeystoneCatalog;
import io.imagelib.catalogsync.keystone.KeystoneException;
import io.imagelib.support.lifecycle.ScheduledLifecycle;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the fenced latest admin of every region to Keystone. All Keystone work runs on ONE thread, so two
 * attempts never overlap: an attempt for epoch n that is still running when n+1 arrives finishes (or fails) before
 * n+1's attempt GETs and PATCHes, and any queued or delayed attempt for n is dropped when it sees n+1 in the ledger.
 * That ordering is what keeps an older decision from landing after a newer one.
 */
public final class CatalogSyncer extends ScheduledLifecycle {

    private static final Logger log = LoggerFactory.getLogger(CatalogSyncer.class);

    /** What to sync and how hard to try. */
    public record Settings(String serviceType, String serviceName, Set<String> interfaces, Backoff backoff,
                           Duration resyncInterval) {
    }

    private final KeystoneCatalog keystone;
    private final Settings settings;
    private final SyncMetrics metrics;
    private final Clock clock;
    private final AtomicReference<SyncLedger> ledger = new AtomicReference<>(SyncLedger.EMPTY);
    private String serviceId;

    public CatalogSyncer(KeystoneCatalog keystone, Settings settings, SyncMetrics metrics, Clock clock) {
        super("catalog-sync");
        this.keystone = keystone;
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Watcher callback (reader thread): record the newest decision and queue an attempt; never blocks. */
    public void want(AdminDecision decision) {
        var wanted = decision.desired();
        if (wanted.isEmpty()) {
            // No healthy host / never had an admin: nothing better to point at, keep what the catalog says.
            log.info("region {} epoch {} has no admin URL ({}); catalog left as is",
                    decision.region(), decision.epoch(), decision.reason());
            return;
        }
        DesiredAdmin desired = wanted.get();
        var before = ledger.getAndUpdate(current -> current.want(desired));
        boolean newer = before.region(desired.region())
                .map(region -> region.desired().epoch() < desired.epoch())
                .orElse(true);
        if (!newer) {
            return;
        }
        log.info("region {} epoch {}: admin is {} at {} ({}); syncing the catalog", desired.region(), desired.epoch(),
                desired.hostId(), desired.url(), decision.reason());
        schedule(() -> attempt(desired.region(), desired.epoch(), true), Duration.ZERO);
    }

    public SyncLedger ledger() {
        return ledger.get();
    }

    /**
     * One try to bring {@code region} to {@code epoch}. On failure a retry chain reschedules itself with backoff;
     * a resync check does not (the next resync tick is its retry), so a region never has two chains.
     */
    private void attempt(String region, long epoch, boolean retryOnFailure) {
        if (!ledger.get().isLatest(region, epoch)) {
            metrics.superseded(region);
            return;
        }
        DesiredAdmin desired = ledger.get().region(region).orElseThrow().desired();
        try {
            var actions = CatalogReconciler.reconcile(desired, observe(region), settings.interfaces());
            for (CatalogAction action : actions) {
                switch (action) {
                    case CatalogAction.SetUrl set -> {
                        if (!ledger.get().isLatest(region, epoch)) {
                            metrics.superseded(region);
                            return;
                        }
                        keystone.setUrl(set.endpointId(), set.toUrl());
                        log.info("region {} epoch {}: {} endpoint {} {} -> {} (host {})", region, epoch,
                                set.interfaceName(), set.endpointId(), set.fromUrl(), set.toUrl(), desired.hostId());
                    }
                    case CatalogAction.MissingEndpoint missing -> throw new KeystoneException("missing-endpoint",
                            "no " + missing.interfaceName() + " endpoint of service " + settings.serviceType()
                                    + " in region " + region);
                    case CatalogAction.InSync ignored -> { }
                }
            }
            boolean patched = actions.stream().anyMatch(CatalogAction.SetUrl.class::isInstance);
            boolean firstTimeForEpoch = ledger.get().region(region).map(r -> !r.inSync()).orElse(false);
            ledger.updateAndGet(current -> current.synced(region, epoch, clock.instant()));
            metrics.synced(region, patched, firstTimeForEpoch ? Duration.between(desired.changedAt(), clock.instant()) : null);
        } catch (KeystoneException e) {
            failed(region, epoch, e.reason(), e.getMessage(), retryOnFailure);
        } catch (RuntimeException e) {
            // A bug or an unexpected answer must not end the chain: the catalog would silently stay stale.
            log.error("region {} epoch {}: unexpected failure", region, epoch, e);
            failed(region, epoch, "error", e.toString(), retryOnFailure);
        }
    }

    private List<CatalogEndpoint> observe(String region) {
        if (serviceId == null) {
            serviceId = keystone.serviceId(settings.serviceType(), settings.serviceName());
        }
        List<CatalogEndpoint> observed = new ArrayList<>();
        for (String interfaceName : settings.interfaces()) {
            observed.addAll(keystone.endpoints(serviceId, interfaceName, region));
        }
        return observed;
    }

    private void failed(String region, long epoch, String reason, String message, boolean retry) {
        var after = ledger.updateAndGet(current -> current.failed(region, epoch, message));
        metrics.failed(region, reason);
        if (!after.isLatest(region, epoch)) {
            metrics.superseded(region); // a newer epoch arrived while this call was failing: its own attempt is queued
        }
        if ("not-found".equals(reason)) {
            serviceId = null; // the service may have been re-registered under a new id
        }
        int failures = after.region(region).map(RegionSync::failedAttempts).orElse(1);
        if (!retry || !after.isLatest(region, epoch)) {
            log.warn("region {} epoch {}: {} ({})", region, epoch, message, reason);
            return;
        }
        Duration delay = settings.backoff().delay(Math.max(1, failures));
        log.warn("region {} epoch {}: {} ({}); retry {} in {} ms", region, epoch, message, reason, failures,
                delay.toMillis());
        schedule(() -> attempt(region, epoch, true), delay);
    }

    /** Re-checks regions that are in sync, which also repairs hand edits of the catalog (drift). */
    private void resync() {
        ledger.get().regions().values().stream()
                .filter(RegionSync::inSync)
                .forEach(region -> attempt(region.desired().region(), region.desired().epoch(), false));
    }

    @Override
    protected void onStart() {
        repeatEvery(settings.resyncInterval(), this::resync);
        // When used without Spring the watcher may have delivered before start: give those their attempt.
        ledger.get().regions().values().forEach(region ->
                schedule(() -> attempt(region.desired().region(), region.desired().epoch(), true), Duration.ZERO));
    }

    /** Starts before the watcher (default phase {@code Integer.MAX_VALUE}) so the first changes find a thread. */
    @Override
    public int getPhase() {
        return -100;
    }
}
