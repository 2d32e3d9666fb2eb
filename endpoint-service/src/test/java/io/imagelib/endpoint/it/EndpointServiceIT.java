package io.imagelib.endpoint.it;

import static io.imagelib.endpoint.kafka.Records.adminUrl;
import static io.imagelib.endpoint.kafka.Records.health;
import static io.imagelib.endpoint.kafka.Records.role;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.imagelib.avro.AdminChangeReason;
import io.imagelib.avro.AdminEndpoint;
import io.imagelib.avro.HealthStatus;
import io.imagelib.avro.HostHealth;
import io.imagelib.avro.RegionEndpoints;
import io.imagelib.endpoint.EndpointServiceApplication;
import io.imagelib.endpoint.domain.EndpointIds;
import io.imagelib.endpoint.domain.EndpointInterface;
import io.imagelib.schemas.registry.SchemaRegistries;
import io.imagelib.schemas.serde.ConfluentAvroSerializer;
import io.imagelib.schemas.topics.Topics;
import io.imagelib.support.kafka.DeadLetterPublisher;
import io.imagelib.testing.KafkaTestBroker;
import io.imagelib.testing.TypedKafka;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.config.KafkaStreamsConfiguration;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole service on a real broker: hosts come up, the admin's host dies, the failover is published and served
 * over REST; operators set the admin through PATCH; the DOWN-to-published latency is measured.
 * Each test uses a region of its own, so they share one broker and one application.
 */
@SpringBootTest(classes = EndpointServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext // the application must stop before this class's broker does
class EndpointServiceIT {

    private static final String ADMIN_TOKEN = "it-admin-token";
    private static final String READER_TOKEN = "it-reader-token";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static KafkaTestBroker kafka = new KafkaTestBroker();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ServiceUnderTest.onBroker(registry, kafka);
        ServiceUnderTest.token(registry, 0, ADMIN_TOKEN, "ops", "admin");
        ServiceUnderTest.token(registry, 1, READER_TOKEN, "viewer", "reader");
    }

    @LocalServerPort
    int port;

    private final TypedKafka typed = kafka.typed();
    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();

    /**
     * Assigns h1..hN (h1 first) and reports them UP; the last one ends up admin. Roles and health travel on
     * different topics, so how many admin changes it takes to get there varies: the epoch reached is returned.
     */
    private long hostsUp(String region, int count) {
        for (int i = 1; i <= count; i++) {
            String host = region + "-h" + i;
            typed.produce(Topics.HOST_ROLES, host, role(region, host, 1_000L * i));
            typed.produce(Topics.HOST_HEALTH, host, health(region, host, HealthStatus.UP));
        }
        String last = region + "-h" + count;
        return typed.await(Topics.ADMIN_ENDPOINT, r -> r.key().equals(region) && last.equals(r.value().getHostId()),
                WAIT).value().getEpoch();
    }

    private AdminEndpoint awaitAdmin(String region, String hostId, long epoch) {
        return typed.await(Topics.ADMIN_ENDPOINT, r -> r.key().equals(region) && r.value().getEpoch() == epoch
                && hostId.equals(r.value().getHostId()), WAIT).value();
    }

    @Autowired
    KafkaStreamsConfiguration streamsConfiguration;

    /** A dead instance's election tasks move once its group session ends: service-support's 3 s, not Kafka's 45 s. */
    @Test
    void theElectionsStreamThreadsTakeTheSharedGroupSession() {
        assertThat(streamsConfiguration.asProperties())
                .containsEntry("consumer.session.timeout.ms", 3000)
                .containsEntry("consumer.heartbeat.interval.ms", 1000);
    }

    @Test
    void whenTheAdminsHostGoesDownANewAdminWithTheNextEpochIsPublishedAndServed() throws Exception {
        String region = "FAILOVER";
        long epoch = hostsUp(region, 3);

        typed.produce(Topics.HOST_HEALTH, region + "-h3", health(region, region + "-h3", HealthStatus.DOWN));

        AdminEndpoint failover = awaitAdmin(region, region + "-h2", epoch + 1);
        assertThat(failover.getReason()).isEqualTo(AdminChangeReason.FAILOVER);
        assertThat(failover.getPreviousHostId()).isEqualTo(region + "-h3");
        assertThat(failover.getUrl()).isEqualTo(adminUrl(region + "-h2"));
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode admin = get("/v1/endpoints?service=glance&interface=admin&region=" + region).get("endpoints");
            assertThat(admin).hasSize(1);
            assertThat(admin.get(0).get("url").asString()).isEqualTo(adminUrl(region + "-h2"));
            assertThat(admin.get(0).get("id").asString())
                    .isEqualTo(EndpointIds.id(region, EndpointInterface.ADMIN, region + "-h2"));
            assertThat(admin.get(0).get("service_type").asString()).isEqualTo("image");
            JsonNode hosts = get("/v1/endpoints?service=glance&interface=public&region=" + region).get("endpoints");
            assertThat(hosts).hasSize(3);
            assertThat(hosts.findValues("enabled")).extracting(JsonNode::asBoolean).containsExactly(true, true, false);
        });
        assertThat(get("/actuator/health/readiness").get("status").asString()).isEqualTo("UP");
        HttpResponse<String> metrics = send(HttpRequest.newBuilder(uri("/actuator/prometheus")).GET(), null);
        assertThat(metrics.body())
                .contains("imagelib_endpoint_admin_epoch{region=\"" + region + "\"} " + (epoch + 1) + ".0")
                .contains("imagelib_endpoint_admin_changes_total{reason=\"FAILOVER\",region=\"" + region + "\"} 1.0");
    }

    @Test
    void anUndecodableHealthRecordIsParkedOnItsDeadLetterTopicAndTheElectionGoesOn() {
        String region = "POISON";
        long epoch = hostsUp(region, 2);

        typed.produceRaw(Topics.HOST_HEALTH_NAME, region + "-h2", "not avro".getBytes());
        typed.produce(Topics.HOST_HEALTH, region + "-h2", health(region, region + "-h2", HealthStatus.DOWN));

        awaitAdmin(region, region + "-h1", epoch + 1);
        var parked = typed.awaitDeadLetters(Topics.HOST_HEALTH.deadLetterTopic(),
                d -> (region + "-h2").equals(d.key()) && d.header(DeadLetterPublisher.PARKED_BY_HEADER) != null
                        && d.header(DeadLetterPublisher.PARKED_BY_HEADER).startsWith("endpoint-service/"), WAIT);
        assertThat(parked).filteredOn(d -> (region + "-h2").equals(d.key())).first()
                .satisfies(d -> assertThat(new String(d.value())).isEqualTo("not avro"));
    }

    @Test
    void anOperatorSetsTheAdminThroughPatchAndIsRefusedWithAReason() throws Exception {
        String region = "MANUAL";
        long epoch = hostsUp(region, 3);
        typed.produce(Topics.HOST_HEALTH, region + "-h2", health(region, region + "-h2", HealthStatus.DOWN));
        String adminId = EndpointIds.id(region, EndpointInterface.ADMIN, region + "-h3");
        await().atMost(WAIT).until(() -> get("/v1/endpoints?interface=admin&region=" + region).get("endpoints").size() == 1);

        HttpResponse<String> accepted = patch(adminId, "{\"url\": \"" + adminUrl(region + "-h1") + "\"}", ADMIN_TOKEN);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        JsonNode endpoint = json.readTree(accepted.body()).get("endpoint");
        assertThat(endpoint.get("url").asString()).isEqualTo(adminUrl(region + "-h1"));
        assertThat(endpoint.get("id").asString()).isEqualTo(EndpointIds.id(region, EndpointInterface.ADMIN, region + "-h1"));
        assertThat(get("/v1/endpoints?interface=admin&region=" + region).get("endpoints").get(0).get("url").asString())
                .as("read your write").isEqualTo(adminUrl(region + "-h1"));
        AdminEndpoint manual = awaitAdmin(region, region + "-h1", epoch + 1);
        assertThat(manual.getReason()).isEqualTo(AdminChangeReason.MANUAL);
        assertThat(manual.getDetail()).contains("ops");

        HttpResponse<String> down = patch(adminId, "{\"endpoint\": {\"url\": \"" + adminUrl(region + "-h2") + "\"}}", ADMIN_TOKEN);
        assertProblem(down, 409, "host-not-healthy", "DOWN");
        assertProblem(patch(adminId, "{\"url\": \"https://10.1.1.1:9494\"}", ADMIN_TOKEN), 422, "unknown-host",
                "https://10.1.1.1:9494");
        assertProblem(patch(EndpointIds.id(region, EndpointInterface.PUBLIC, region + "-h1"),
                "{\"url\": \"" + adminUrl(region + "-h1") + "\"}", ADMIN_TOKEN), 422, "endpoint-not-settable", "public");
        assertProblem(patch("0123456789abcdef0123456789abcdef", "{\"url\": \"x\"}", ADMIN_TOKEN), 404,
                "endpoint-not-found", "0123456789abcdef");
        assertProblem(patch(adminId, "{}", ADMIN_TOKEN), 422, "url-required", "url");
        assertProblem(patch(adminId, "{\"url\": \"" + adminUrl(region + "-h3") + "\"}", null), 401, "unauthenticated", "Bearer");
        assertProblem(patch(adminId, "{\"url\": \"" + adminUrl(region + "-h3") + "\"}", READER_TOKEN), 403, "forbidden", "admin");
        assertThat(typed.readAll(Topics.ADMIN_ENDPOINT).stream().filter(r -> r.key().equals(region)))
                .as("refusals change nothing").hasSize((int) epoch + 1);
    }

    @Test
    void listsRejectAnUnknownInterfaceAndIgnoreOtherServices() throws Exception {
        HttpResponse<String> bad = send(HttpRequest.newBuilder(uri("/v1/endpoints?interface=private")).GET(), null);
        assertProblem(bad, 400, "unknown-interface", "private");
        assertThat(get("/v1/endpoints?service=nova").get("endpoints")).isEmpty();
    }

    /**
     * DOWN for the admin's host, produced at t0; the new admin read back with read_committed at t1. Each trial
     * downs the admin of the previous one; the downed host comes back UP, so some host is always UP.
     */
    @Test
    void measuresDownToPublishedAdminChangeLatency() throws Exception {
        String region = "LATENCY";
        long epoch = hostsUp(region, 3);
        int trials = 40;
        List<Long> micros = new ArrayList<>();
        var registry = SchemaRegistries.forUrl(KafkaTestBroker.REGISTRY_URL);
        try (var admins = new CommittedRecords<>(kafka.bootstrapServers(), Topics.ADMIN_ENDPOINT).follow();
             var lists = new CommittedRecords<>(kafka.bootstrapServers(), Topics.REGION_ENDPOINTS).follow();
             var producer = new KafkaProducer<String, HostHealth>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                     ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 0),
                     new StringSerializer(), new ConfluentAvroSerializer<>(registry))) {
            String admin = region + "-h3";
            Thread.sleep(500); // the tail consumer is positioned; let its first fetch settle
            for (int trial = 0; trial < trials; trial++) {
                long t0 = System.nanoTime();
                producer.send(new ProducerRecord<>(Topics.HOST_HEALTH_NAME, admin, health(region, admin, HealthStatus.DOWN)));
                CommittedRecords.Arrival<AdminEndpoint> arrival;
                do {
                    arrival = admins.next(WAIT);
                } while (!arrival.value().getRegion().equals(region));
                micros.add((arrival.arrivedNanos() - t0) / 1_000);
                epoch++;
                assertThat(arrival.value().getEpoch()).isEqualTo(epoch);
                assertThat(arrival.value().getReason()).isEqualTo(AdminChangeReason.FAILOVER);
                assertThat(arrival.value().getHostId()).isNotEqualTo(admin);
                // The downed host recovers but stays a plain host (no failback); the next trial downs the new admin.
                producer.send(new ProducerRecord<>(Topics.HOST_HEALTH_NAME, admin, health(region, admin, HealthStatus.UP))).get();
                String recovered = admin;
                admin = arrival.value().getHostId();
                awaitUp(lists, region, recovered);
            }
        }
        report(micros);
    }

    private static void awaitUp(CommittedRecords<RegionEndpoints> lists, String region, String hostId)
            throws InterruptedException {
        RegionEndpoints list;
        do {
            list = lists.next(WAIT).value();
        } while (!list.getRegion().equals(region) || list.getEndpoints().stream()
                .noneMatch(e -> e.getHostId().equals(hostId) && e.getStatus() == HealthStatus.UP));
    }

    private static void report(List<Long> micros) throws IOException {
        long[] sorted = micros.stream().mapToLong(Long::longValue).sorted().toArray();
        String line = String.format("DOWN -> admin change committed (read_committed), %d trials: p50=%.1f ms p95=%.1f ms "
                        + "p99=%.1f ms max=%.1f ms", sorted.length, percentile(sorted, 50), percentile(sorted, 95),
                percentile(sorted, 99), sorted[sorted.length - 1] / 1000.0);
        System.out.println(line);
        Files.writeString(Path.of("target", "failover-latency.txt"), line + System.lineSeparator()
                + "samples (us): " + Arrays.toString(micros.toArray()) + System.lineSeparator());
    }

    /** Nearest-rank percentile in milliseconds. */
    private static double percentile(long[] sortedMicros, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sortedMicros.length);
        return sortedMicros[Math.max(0, rank - 1)] / 1000.0;
    }

    private void assertProblem(HttpResponse<String> response, int status, String slug, String detailContains) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.get("type").asString()).isEqualTo("https://imagelib.io/problems/" + slug);
        assertThat(problem.get("detail").asString()).contains(detailContains);
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(path)).GET(), null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private HttpResponse<String> patch(String id, String body, String token) throws Exception {
        return send(HttpRequest.newBuilder(uri("/v1/endpoints/" + id))
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body)), token);
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String token) throws Exception {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
