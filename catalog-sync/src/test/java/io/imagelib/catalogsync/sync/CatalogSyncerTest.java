package io.imagelib.catalogsync.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.imagelib.catalogsync.domain.AdminDecision;
import io.imagelib.catalogsync.domain.Backoff;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;

/** The syncer's ordering and retry rules against an in-memory catalog (no HTTP, no Kafka). */
class CatalogSyncerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final InMemoryCatalog catalog = new InMemoryCatalog()
            .with("e-admin", "SJC", "admin", "https://10.0.0.1:9494")
            .with("e-public", "SJC", "public", "http://10.0.0.1:9292");
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final CatalogSyncer syncer = new CatalogSyncer(catalog,
            new CatalogSyncer.Settings("image", "glance", Set.of("admin"),
                    new Backoff(Duration.ofMillis(20), Duration.ofMillis(200), 2), Duration.ofMillis(150)),
            new SyncMetrics(meters), Clock.systemUTC());

    @AfterEach
    void stop() {
        syncer.stop();
    }

    @Test
    void theAdminEndpointFollowsTheDecisionAndPublicIsLeftAlone() {
        syncer.start();
        syncer.want(admin(1, "https://10.0.0.2:9494"));

        await().atMost(WAIT).until(() -> catalog.url("e-admin").equals("https://10.0.0.2:9494"));
        assertThat(catalog.url("e-public")).isEqualTo("http://10.0.0.1:9292");
        await().atMost(WAIT).until(() -> syncer.ledger().region("SJC").orElseThrow().inSync());
        assertThat(count("imagelib.catalogsync.syncs", "patched")).isEqualTo(1);
        assertThat(meters.timer("imagelib.catalogsync.lag", "region", "SJC").count()).isEqualTo(1);
    }

    @Test
    void inSyncCatalogGetsNoPatchAndResyncChecksStaySilent() throws Exception {
        syncer.start();
        syncer.want(admin(1, "https://10.0.0.1:9494"));
        await().atMost(WAIT).until(() -> count("imagelib.catalogsync.syncs", "in-sync") >= 3);
        assertThat(catalog.patchedUrls).isEmpty();
    }

    @Test
    void aStaleEpochNeverOverwritesANewerOne() {
        syncer.start();
        syncer.want(admin(5, "https://10.0.0.5:9494"));
        await().atMost(WAIT).until(() -> syncer.ledger().region("SJC").orElseThrow().inSync());

        syncer.want(admin(3, "https://10.0.0.3:9494"));
        await().atMost(WAIT).until(() -> count("imagelib.catalogsync.syncs", "in-sync") >= 2);
        assertThat(catalog.patchedUrls).containsExactly("https://10.0.0.5:9494");
        assertThat(syncer.ledger().region("SJC").orElseThrow().desired().epoch()).isEqualTo(5);
    }

    @Test
    void retriesForAnOldEpochAreAbandonedOnceANewerOneArrivesAndTheCatalogConverges() {
        catalog.down = true;
        syncer.start();
        syncer.want(admin(1, "https://10.0.0.1:9595"));
        await().atMost(WAIT).until(() -> count("imagelib.catalogsync.failures", "unavailable") >= 3);
        assertThat(new CatalogSyncHealthIndicator(syncer).health().getStatus()).isEqualTo(Status.DOWN);

        syncer.want(admin(2, "https://10.0.0.2:9494"));
        catalog.down = false;

        await().atMost(WAIT).until(() -> catalog.url("e-admin").equals("https://10.0.0.2:9494"));
        await().atMost(WAIT).until(() -> count("imagelib.catalogsync.syncs", "superseded") >= 1);
        assertThat(catalog.patchedUrls).containsExactly("https://10.0.0.2:9494");
        assertThat(new CatalogSyncHealthIndicator(syncer).health().getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void aPatchInFlightForEpochNLandsBeforeEpochNPlusOneNeverAfter() throws Exception {
        catalog.patchGate = new CountDownLatch(1);
        syncer.start();
        syncer.want(admin(1, "https://10.0.0.1:9696"));
        assertThat(catalog.patchStarted.await(10, TimeUnit.SECONDS)).isTrue();

        syncer.want(admin(2, "https://10.0.0.2:9494"));
        catalog.patchGate.countDown();

        await().atMost(WAIT).until(() -> syncer.ledger().region("SJC").orElseThrow().inSync());
        assertThat(catalog.url("e-admin")).isEqualTo("https://10.0.0.2:9494");
        assertThat(catalog.patchedUrls).containsExactly("https://10.0.0.1:9696", "https://10.0.0.2:9494");
    }

    @Test
    void aHandEditOfTheCatalogIsRepairedByTheResync() {
        syncer.start();
        syncer.want(admin(1, "https://10.0.0.2:9494"));
        await().atMost(WAIT).until(() -> catalog.url("e-admin").equals("https://10.0.0.2:9494"));

        catalog.with("e-admin", "SJC", "admin", "https://192.0.2.1:9494");
        await().atMost(WAIT).until(() -> catalog.url("e-admin").equals("https://10.0.0.2:9494"));
    }

    @Test
    void aRegionWithoutAdminEndpointIsReportedAndRetriedUntilItAppears() {
        syncer.start();
        syncer.want(admin("DFW", 1, "https://10.1.0.1:9494"));
        await().atMost(WAIT).until(() -> count("imagelib.catalogsync.failures", "DFW", "missing-endpoint") >= 2);

        catalog.with("e-dfw", "DFW", "admin", "https://10.1.0.9:9494");
        await().atMost(WAIT).until(() -> catalog.url("e-dfw").equals("https://10.1.0.1:9494"));
    }

    @Test
    void aDecisionWithoutUrlLeavesTheCatalogAsItIs() {
        syncer.start();
        syncer.want(new AdminDecision("SJC", null, null, 1, "NO_HEALTHY_HOST", Instant.now()));
        assertThat(syncer.ledger().region("SJC")).isEmpty();
        assertThat(catalog.url("e-admin")).isEqualTo("https://10.0.0.1:9494");
    }

    @Test
    void decisionsSeenBeforeStartAreAppliedOnStart() {
        syncer.want(admin(4, "https://10.0.0.4:9494"));
        syncer.start();
        await().atMost(WAIT).until(() -> catalog.url("e-admin").equals("https://10.0.0.4:9494"));
    }

    private double count(String name, String tagValue) {
        return count(name, "SJC", tagValue);
    }

    private double count(String name, String region, String tagValue) {
        String tag = name.endsWith("syncs") ? "outcome" : "reason";
        var counter = meters.find(name).tags("region", region, tag, tagValue).counter();
        return counter == null ? 0 : counter.count();
    }

    private static AdminDecision admin(long epoch, String url) {
        return admin("SJC", epoch, url);
    }

    private static AdminDecision admin(String region, long epoch, String url) {
        return new AdminDecision(region, "h" + epoch, url, epoch, "FAILOVER", Instant.now());
    }
}
