package io.imagelib.catalogsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.imagelib.avro.AdminChangeReason;
import io.imagelib.avro.AdminEndpoint;
import io.imagelib.catalogsync.keystone.FakeKeystone;
import io.imagelib.schemas.topics.Topics;
import io.imagelib.testing.KafkaTestBroker;
import io.imagelib.support.endpoint.AdminEndpointWatcher;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole service on a real broker against the fake Keystone v3: admin-endpoint records produced with TypedKafka
 * reach the catalog, stale epochs never overwrite, an outage ends in convergence on the newest decision only.
 */
@SpringBootTest(classes = CatalogSyncApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class CatalogSyncIT {

    @RegisterExtension
    static KafkaTestBroker kafka = new KafkaTestBroker();

    static final FakeKeystone keystone = new FakeKeystone().start();
    static final String GLANCE = keystone.addService("glance-id", "image", "glance");
    static final String BASIC = keystone.addEndpoint(GLANCE, "it-basic", "admin", "https://10.0.0.1:9494");
    static final String BASIC_PUBLIC = keystone.addEndpoint(GLANCE, "it-basic", "public", "http://10.0.0.1:9292");
    static final String STALE = keystone.addEndpoint(GLANCE, "it-stale", "admin", "https://10.0.1.1:9494");
    static final String OUTAGE = keystone.addEndpoint(GLANCE, "it-outage", "admin", "https://10.0.2.1:9494");
    static final String DRIFT = keystone.addEndpoint(GLANCE, "it-drift", "admin", "https://10.0.3.1:9494");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", kafka::bootstrapServers);
        registry.add("imagelib.kafka.schema-registry-url", () -> KafkaTestBroker.REGISTRY_URL);
        registry.add("imagelib.catalog-sync.keystone-url", keystone::url);
        registry.add("imagelib.catalog-sync.auth.username", () -> FakeKeystone.USER);
        registry.add("imagelib.catalog-sync.auth.password", () -> FakeKeystone.PASSWORD);
        registry.add("imagelib.catalog-sync.auth.project-name", () -> "service");
        registry.add("imagelib.catalog-sync.request-timeout", () -> "1s");
        registry.add("imagelib.catalog-sync.resync-interval", () -> "1s");
        registry.add("imagelib.catalog-sync.backoff.initial", () -> "50ms");
        registry.add("imagelib.catalog-sync.backoff.max", () -> "400ms");
    }

    @AfterAll
    static void stopKeystone() {
        keystone.stop();
    }

    @Autowired
    MeterRegistry meters;
    @Autowired
    AdminEndpointWatcher watcher;
    /** Each marker a new region, so "the watcher has it" can only mean it was just read. */
    private static final AtomicInteger markers = new AtomicInteger();
    @LocalServerPort
    int port;

    @Test
    void anAdminChangeReachesTheCatalogWithinThreeSecondsAndRepeatsSendNothing() throws Exception {
        Instant published = Instant.now();
        publish("it-basic", 1, "https://10.0.0.2:9494");
        await().atMost(Duration.ofSeconds(3)).until(() -> keystone.urlOf(BASIC).equals("https://10.0.0.2:9494"));
        System.out.printf("it-basic: record to catalog in %d ms%n",
                Duration.between(published, keystone.patches().getLast().at()).toMillis());

        publish("it-basic", 1, "https://10.0.0.2:9494");          // duplicate
        var zombie = publish("it-basic", 1, "https://10.0.0.66:9494"); // same epoch, other URL: a zombie writer
        awaitReadThenTwoResyncRounds("it-basic", zombie);
        assertThat(keystone.patchedUrls(BASIC)).containsExactly("https://10.0.0.2:9494");
        assertThat(keystone.urlOf(BASIC_PUBLIC)).isEqualTo("http://10.0.0.1:9292");
        assertThat(health()).contains("\"it-basic\":{\"desiredEpoch\":1").contains("\"lastSyncedEpoch\":1");
    }

    @Test
    void aStaleEpochNeverOverwritesTheNewerDecision() throws Exception {
        publish("it-stale", 10, "https://10.0.1.10:9494");
        await().atMost(Duration.ofSeconds(10)).until(() -> keystone.urlOf(STALE).equals("https://10.0.1.10:9494"));

        var stale = publish("it-stale", 9, "https://10.0.1.9:9494");
        awaitReadThenTwoResyncRounds("it-stale", stale);
        assertThat(keystone.urlOf(STALE)).isEqualTo("https://10.0.1.10:9494");
        assertThat(keystone.patchedUrls(STALE)).containsExactly("https://10.0.1.10:9494");
    }

    @Test
    void keystoneDownDuringTwoChangesConvergesOnTheNewestOnlyWhenItReturns() throws Exception {
        keystone.stop();
        try {
            publish("it-outage", 1, "https://10.0.2.2:9494");
            await().atMost(Duration.ofSeconds(10)).until(() -> failures("it-outage") >= 3);
            assertThat(health()).contains("\"status\":\"DOWN\"").contains("\"failedAttempts\"");
            publish("it-outage", 2, "https://10.0.2.3:9494");
            await().atMost(Duration.ofSeconds(10)).until(() -> health().contains("\"it-outage\":{\"desiredEpoch\":2"));
        } finally {
            keystone.start();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> keystone.urlOf(OUTAGE).equals("https://10.0.2.3:9494"));
        assertThat(keystone.patchedUrls(OUTAGE)).containsExactly("https://10.0.2.3:9494");
        await().atMost(Duration.ofSeconds(5)).until(() -> health().contains("\"lastSyncedEpoch\":2"));
    }

    @Test
    void aHandEditOfTheAdminEndpointIsRepairedByTheResync() throws Exception {
        publish("it-drift", 1, "https://10.0.3.2:9494");
        await().atMost(Duration.ofSeconds(10)).until(() -> keystone.urlOf(DRIFT).equals("https://10.0.3.2:9494"));

        keystone.handEdit(DRIFT, "https://10.0.3.1:9494");
        await().atMost(Duration.ofSeconds(5)).until(() -> keystone.urlOf(DRIFT).equals("https://10.0.3.2:9494"));
        // The counter follows Keystone's answer, so it can trail the catalog by a moment.
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(
                meters.counter("imagelib.catalogsync.syncs", "region", "it-drift", "outcome", "patched").count())
                .isEqualTo(2));
        assertThat(keystone.patchedUrls(DRIFT)).containsExactly("https://10.0.3.2:9494", "https://10.0.3.2:9494");
    }

    /**
     * Before asserting that something did not happen: the watcher has read {@code last} (a marker record behind it on
     * its partition has arrived) and the syncer has since re-checked the region twice, so whatever those records
     * could have caused has had its turn on the syncer's one thread.
     */
    private void awaitReadThenTwoResyncRounds(String region, RecordMetadata last) {
        String marker = markerRegionOnPartition(last.partition());
        var markerRecord = kafka.typed().produce(Topics.ADMIN_ENDPOINT, marker, AdminEndpoint.newBuilder()
                .setRegion(marker).setEpoch(1).setReason(AdminChangeReason.NO_HEALTHY_HOST).setChangedAt(Instant.now())
                .build());
        assertThat(markerRecord.partition()).as("marker on the partition of the records it follows")
                .isEqualTo(last.partition());
        await().atMost(Duration.ofSeconds(10)).until(() -> watcher.current(marker).isPresent());
        double checks = inSyncChecks(region);
        await().atMost(Duration.ofSeconds(10)).until(() -> inSyncChecks(region) >= checks + 2);
    }

    /** A region name (with no catalog endpoint, and no URL: the syncer leaves it alone) that hashes to the partition. */
    private String markerRegionOnPartition(int partition) {
        while (true) {
            String candidate = "it-read-marker-" + markers.incrementAndGet();
            if (BuiltInPartitioner.partitionForKey(candidate.getBytes(StandardCharsets.UTF_8),
                    Topics.ADMIN_ENDPOINT.partitions()) == partition) {
                return candidate;
            }
        }
    }

    private double inSyncChecks(String region) {
        var counter = meters.find("imagelib.catalogsync.syncs").tags("region", region, "outcome", "in-sync").counter();
        return counter == null ? 0 : counter.count();
    }

    private double failures(String region) {
        return meters.find("imagelib.catalogsync.failures").tag("region", region).counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    private String health() throws Exception {
        try (var client = HttpClient.newHttpClient()) {
            return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/actuator/health/catalogSync")).build(), HttpResponse.BodyHandlers.ofString()).body();
        }
    }

    static RecordMetadata publish(String region, long epoch, String url) {
        return kafka.typed().produce(Topics.ADMIN_ENDPOINT, region, AdminEndpoint.newBuilder().setRegion(region)
                .setHostId("host-" + epoch).setUrl(url).setEpoch(epoch).setReason(AdminChangeReason.FAILOVER)
                .setChangedAt(Instant.now()).build());
    }
}
