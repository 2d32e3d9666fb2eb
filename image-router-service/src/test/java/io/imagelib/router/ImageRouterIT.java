package io.imagelib.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.imagelib.avro.AdminChangeReason;
import io.imagelib.avro.AdminEndpoint;
import io.imagelib.avro.HealthStatus;
import io.imagelib.avro.HostHealth;
import io.imagelib.avro.HostRole;
import io.imagelib.avro.ObservationKind;
import io.imagelib.avro.StorageBackend;
import io.imagelib.avro.StorageType;
import io.imagelib.glancesim.GlanceSimulator;
import io.imagelib.glancesim.SimulatorConfig;
import io.imagelib.router.domain.LiveHosts;
import io.imagelib.router.domain.Quarantine;
import io.imagelib.router.domain.Registration;
import io.imagelib.schemas.topics.Topics;
import io.imagelib.testing.KafkaTestBroker;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The router on a real broker in front of three real HTTP upstreams (Glance simulators on one shared directory).
 * Each test gets its own region and hosts, so tests that kill hosts do not disturb each other.
 */
@SpringBootTest(classes = ImageRouterApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ImageRouterIT {

    @RegisterExtension
    static KafkaTestBroker kafka = new KafkaTestBroker();

    @TempDir
    static Path shared;

    private static final AtomicInteger REGIONS = new AtomicInteger();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String PROJECT = "0123456789abcdef0123456789abcdef";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", kafka::bootstrapServers);
        registry.add("imagelib.kafka.schema-registry-url", () -> KafkaTestBroker.REGISTRY_URL);
        registry.add("imagelib.kafka.instance-id", () -> "router-it");
        registry.add("imagelib.router.max-resumes", () -> "5");
        registry.add("imagelib.router.download-idle-timeout", () -> "2s");
        registry.add("imagelib.router.read-response-timeout", () -> "2s");
        registry.add("imagelib.router.default-region", () -> "R1");
        registry.add("imagelib.router.versions.cache", () -> "0s");
    }

    @LocalServerPort
    int port;
    @Autowired
    LiveHosts live;
    @Autowired
    MeterRegistry meters;
    @Autowired
    Quarantine quarantine;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    private final List<GlanceSimulator> started = new ArrayList<>();

    @AfterEach
    void stopUpstreams() {
        started.forEach(host -> host.faults().clear()); // releases requests held by a hang
        started.forEach(GlanceSimulator::close);
    }

    @Test
    void proxiesTheImageLifecycleRoundRobinAndPassesAuthHeadersThrough() throws Exception {
        Cluster cluster = cluster();
        byte[] data = bytes(4 * 1024 * 1024 + 3);
        String id = createAndUpload(cluster, data);
        assertThat(cluster.host(0).requests().count("create")).as("create goes to the admin").isEqualTo(1);
        assertThat(cluster.host(0).requests().count("upload")).as("upload goes to the admin").isEqualTo(1);
        assertThat(cluster.host(0).requests().lastApiHeaders()).containsEntry("X-auth-token", List.of("token-" + cluster.region))
                .containsEntry("X-roles", List.of("admin")).containsEntry("X-project-id", List.of(PROJECT))
                .doesNotContainKey("X-imagelib-region");

        JsonNode image = JSON.readTree(send(cluster, "GET", "/v2/images/" + id).body());
        assertThat(image.get("status").asString()).isEqualTo("active");
        assertThat(image.get("os_hash_value").asString()).isEqualTo(hex("SHA-512", data));

        for (int i = 0; i < 6; i++) {
            HttpResponse<byte[]> download = http.send(request(cluster, "/v2/images/" + id + "/file").build(), BodyHandlers.ofByteArray());
            assertThat(download.statusCode()).isEqualTo(200);
            assertThat(download.headers().firstValue("Content-MD5")).contains(hex("MD5", data));
            assertThat(hex("SHA-512", download.body())).isEqualTo(image.get("os_hash_value").asString());
        }
        for (GlanceSimulator host : cluster.hosts) {
            assertThat(host.requests().count("download")).as("round robin over all UP hosts").isEqualTo(2);
        }

        HttpResponse<byte[]> ranged = http.send(request(cluster, "/v2/images/" + id + "/file").header("Range", "bytes=100-199").build(),
                BodyHandlers.ofByteArray());
        assertThat(ranged.statusCode()).isEqualTo(206);
        assertThat(ranged.body()).isEqualTo(Arrays.copyOfRange(data, 100, 200));

        HttpResponse<Void> head = http.send(request(cluster, "/v2/images/" + id + "/file").method("HEAD", BodyPublishers.noBody()).build(),
                BodyHandlers.discarding());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(data.length);

        HttpResponse<String> patched = http.send(request(cluster, "/v2/images/" + id)
                .header("Content-Type", "application/openstack-images-v2.1-json-patch")
                .method("PATCH", BodyPublishers.ofString("[{\"op\":\"replace\",\"path\":\"/name\",\"value\":\"renamed\"}]")).build(),
                BodyHandlers.ofString());
        assertThat(patched.statusCode()).isEqualTo(200);
        assertThat(patched.body()).contains("renamed");
        HttpResponse<String> viaPathPrefix = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/regions/" + cluster.region + "/v2/images/" + id)).build(), BodyHandlers.ofString());
        assertThat(viaPathPrefix.body()).contains("renamed");

        assertThat(send(cluster, "DELETE", "/v2/images/" + id).statusCode()).isEqualTo(204);
        assertThat(send(cluster, "GET", "/v2/images/" + id).statusCode()).isEqualTo(404);
    }

    @Test
    void killingAHostDuring200ConcurrentDownloadsFailsNone() throws Exception {
        Cluster cluster = cluster();
        byte[] data = bytes(1024 * 1024);
        String id = createAndUpload(cluster, data);
        String expected = JSON.readTree(send(cluster, "GET", "/v2/images/" + id).body()).get("os_hash_value").asString();
        // ~4 s per download, so the host is surely mid-stream on every download it has started when it dies.
        cluster.hosts.forEach(host -> host.faults().throttleDownloads(256 * 1024));

        List<Future<String>> downloads = new ArrayList<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 200; i++) {
                downloads.add(clients.submit(() -> sha512Of(cluster, id)));
            }
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
                    .until(() -> cluster.host(1).requests().count("download") >= 30);
            cluster.host(1).kill();
        }
        List<String> digests = new ArrayList<>();
        for (Future<String> download : downloads) {
            digests.add(download.get());
        }
        assertThat(digests).hasSize(200).allMatch(expected::equals);
        assertThat(cluster.host(1).requests().count("download")).as("the killed host was serving").isGreaterThan(0);
        assertThat(meters.find("imagelib.router.resumes").tag("region", cluster.region).tag("outcome", "resumed").counters())
                .isNotEmpty().allMatch(c -> c.count() > 0);
        assertThat(meters.find("imagelib.router.upstream.bytes").tag("host", cluster.hostId(0)).counters())
                .isNotEmpty().anyMatch(c -> c.count() > 0);

        kafka.typed().await(Topics.HOST_OBSERVATIONS, r -> r.key().equals(cluster.hostId(1))
                && r.value().getKind() == ObservationKind.RESET, Duration.ofSeconds(10));
    }

    @Test
    void aDownloadThatBreaksOnEveryHostIsStillDeliveredWhole() throws Exception {
        Cluster cluster = cluster();
        byte[] data = bytes(4 * 1024 * 1024);
        String id = createAndUpload(cluster, data);
        cluster.hosts.forEach(host -> host.faults().breakDownload(1, 1024 * 1024));

        HttpResponse<byte[]> download = http.send(request(cluster, "/v2/images/" + id + "/file").build(), BodyHandlers.ofByteArray());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).hasSize(data.length);
        assertThat(hex("SHA-512", download.body())).isEqualTo(hex("SHA-512", data));
        assertThat(cluster.hosts.stream().mapToLong(h -> h.requests().count("download")).sum()).as("three breaks, three resumes").isEqualTo(4);
    }

    @Test
    void aHostThatHangsMidDownloadIsLeftAfterTheIdleTimeout() throws Exception {
        Cluster cluster = cluster();
        byte[] data = bytes(2 * 1024 * 1024);
        String id = createAndUpload(cluster, data);
        cluster.hosts.forEach(host -> host.faults().stallDownload(1, 512 * 1024, Duration.ofSeconds(60)));

        long started = System.nanoTime();
        HttpResponse<byte[]> download = http.send(request(cluster, "/v2/images/" + id + "/file").build(), BodyHandlers.ofByteArray());
        assertThat(hex("SHA-512", download.body())).isEqualTo(hex("SHA-512", data));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("three stalls of ~2 s, not 60 s").isLessThan(Duration.ofSeconds(30));
        kafka.typed().await(Topics.HOST_OBSERVATIONS, r -> r.value().getRegion().equals(cluster.region)
                && r.value().getKind() == ObservationKind.TIMEOUT, Duration.ofSeconds(10));
    }

    @Test
    void downloadsInFlightToAHungHostResumeElsewhereAsSoonAsItsDownRecordArrives() throws Exception {
        Cluster cluster = cluster();
        List<Long> afterDown = whileHost1HangsDuring30Downloads(cluster, () -> {
            Thread.sleep(300); // hung for real: nothing moves on its connections
            long down = System.nanoTime();
            kafka.typed().produce(Topics.HOST_HEALTH, cluster.hostId(1), health(cluster, 1, HealthStatus.DOWN));
            return down;
        });
        System.out.printf("Hung host, DOWN record -> all %d downloads complete: p50 %d ms, max %d ms; cut on the event: %.0f%n",
                afterDown.size(), afterDown.get(afterDown.size() / 2), afterDown.getLast(), cut(cluster, 1));
        assertThat(cut(cluster, 1)).as("reads in flight to the hung host cut by its DOWN record").isGreaterThan(0);
        assertThat(afterDown.getLast()).as("ms from DOWN to the last download's end; the 30 s timeout was the bound before")
                .isLessThan(30_000);
    }

    @Test
    void withoutAnyEventTheReadTimeoutsLeaveAHungHost() throws Exception {
        Cluster cluster = cluster();
        List<Long> afterHang = whileHost1HangsDuring30Downloads(cluster, System::nanoTime);
        // New reads, with the router's suspicion forgotten: the one sent to the hung host waits for the read-header
        // timeout (2 s here), then goes to the next host.
        quarantine.release(cluster.hostId(1));
        List<Long> reads = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long started = System.nanoTime();
            assertThat(send(cluster, "GET", "/v2/images").statusCode()).isEqualTo(200);
            reads.add((System.nanoTime() - started) / 1_000_000);
        }
        System.out.printf("Hung host, no event: hang -> all %d downloads complete: p50 %d ms, max %d ms (idle timeout 2 s); "
                        + "metadata GETs after the hang %s ms (read-header timeout 2 s)%n", afterHang.size(),
                afterHang.get(afterHang.size() / 2), afterHang.getLast(), reads);
        assertThat(afterHang.getLast()).as("ms from the hang to the last download's end").isLessThan(30_000);
        assertThat(reads.stream().mapToLong(Long::longValue).max().orElseThrow())
                .as("the read that met the hung host waited the read-header timeout, not the 30 s response timeout")
                .isBetween(1_900L, 10_000L);
        assertThat(cut(cluster, 1)).as("no event, nothing cut").isZero();
        kafka.typed().await(Topics.HOST_OBSERVATIONS, r -> r.key().equals(cluster.hostId(1))
                && r.value().getKind() == ObservationKind.TIMEOUT, Duration.ofSeconds(10));
    }

    @Test
    void withEveryHostDownOnTheTopicButServingTheRouterPanicsAndServesAndAnswers503OnlyWhenAllAreDead() throws Exception {
        Cluster cluster = cluster();
        byte[] data = bytes(256 * 1024);
        String id = createAndUpload(cluster, data);
        double entries = panicEntries(cluster); // registering the hosts (role before UP) may have entered it already
        for (int i = 0; i < 3; i++) {
            kafka.typed().produce(Topics.HOST_HEALTH, cluster.hostId(i), health(cluster, i, HealthStatus.DOWN));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> live.snapshot().inPanic(cluster.region));

        HttpResponse<String> show = send(cluster, "GET", "/v2/images/" + id);
        assertThat(show.statusCode()).isEqualTo(200);
        assertThat(show.headers().firstValue("X-Imagelib-Panic")).contains("true");
        HttpResponse<byte[]> download = http.send(request(cluster, "/v2/images/" + id + "/file").build(), BodyHandlers.ofByteArray());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.headers().firstValue("X-Imagelib-Panic")).contains("true");
        assertThat(hex("SHA-512", download.body())).isEqualTo(hex("SHA-512", data));
        long adminUploads = cluster.host(0).requests().count("upload");
        createAndUpload(cluster, bytes(64 * 1024));
        assertThat(cluster.host(0).requests().count("upload") - adminUploads).as("in panic too, writes go to the admin first")
                .isEqualTo(1);
        assertThat(panicEntries(cluster) - entries).isEqualTo(1);
        assertThat(meters.find("imagelib.router.panic.requests").tag("region", cluster.region).counters().stream()
                .mapToDouble(c -> c.count()).sum()).isGreaterThanOrEqualTo(4);

        cluster.hosts.forEach(GlanceSimulator::kill);
        for (int i = 0; i < 2; i++) {
            long started = System.nanoTime();
            HttpResponse<String> refused = send(cluster, "GET", "/v2/images/" + id);
            long millis = (System.nanoTime() - started) / 1_000_000;
            System.out.printf("Panic, every host dead: attempt %d answered %d in %d ms%n", i + 1, refused.statusCode(), millis);
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Content-Type")).contains("application/problem+json");
            assertThat(refused.headers().firstValue("X-Imagelib-Panic")).contains("true");
            assertThat(refused.body()).contains("no-healthy-host");
            assertThat(millis).as("refused connections on loopback fail fast").isLessThan(5_000);
        }
    }

    @Test
    void uploadsFollowTheAdminAndMoveToTheNewAdminOnceItIsPublished() throws Exception {
        Cluster cluster = cluster();
        createAndUpload(cluster, bytes(1024 * 1024));
        assertThat(cluster.host(0).requests().count("upload")).isEqualTo(1);

        cluster.host(0).kill();
        String duringOutage = createAndUpload(cluster, bytes(1024 * 1024));
        assertThat(send(cluster, "GET", "/v2/images/" + duringOutage).body()).contains("\"status\":\"active\"");
        kafka.typed().await(Topics.HOST_OBSERVATIONS, r -> r.key().equals(cluster.hostId(0))
                && r.value().getKind() == ObservationKind.CONNECTION_REFUSED, Duration.ofSeconds(10));

        kafka.typed().produce(Topics.ADMIN_ENDPOINT, cluster.region, admin(cluster, 2, 2));
        await().atMost(Duration.ofSeconds(10)).until(() -> live.snapshot().admin(cluster.region)
                .map(Registration::hostId).filter(cluster.hostId(2)::equals).isPresent());
        long uploadsBefore = cluster.host(2).requests().count("upload");
        for (int i = 0; i < 3; i++) {
            createAndUpload(cluster, bytes(256 * 1024));
        }
        assertThat(cluster.host(2).requests().count("upload") - uploadsBefore).as("all uploads to the new admin").isEqualTo(3);
    }

    @Test
    void aCreateWithClientIdIsReplayedAndTheReplaysConflictAnswersWithTheImage() throws Exception {
        Cluster cluster = cluster();
        cluster.host(0).faults().loseCreateAnswers(1);
        String id = UUID.randomUUID().toString();
        HttpResponse<String> created = create(cluster, "{\"id\":\"" + id + "\",\"name\":\"replayed\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(JSON.readTree(created.body()).get("id").asString()).isEqualTo(id);
        assertThat(cluster.host(0).requests().count("create") + cluster.host(1).requests().count("create")
                + cluster.host(2).requests().count("create")).isEqualTo(2);

        cluster.hosts.forEach(host -> host.faults().loseCreateAnswers(1));
        HttpResponse<String> anonymous = create(cluster, "{\"name\":\"not-replayed\"}");
        assertThat(anonymous.statusCode()).as("without a client id the create is not replayed").isEqualTo(502);
        assertThat(anonymous.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(cluster.hosts.stream().mapToLong(h -> h.requests().count("create")).sum()).isEqualTo(3);
    }

    /**
     * Issue 19: a client that knows several routers (Nova's {@code glance.api_servers}) may create an image through
     * one and send its data through another. When the admin host dies mid-body, the router that relayed the cut body
     * must still remove the image Glance leaves {@code saving}, though it did not relay the create.
     */
    @Test
    void anUploadCutByItsHostsDeathRemovesTheImageLeftSavingThoughAnotherRouterRelayedTheCreate() throws Exception {
        Cluster cluster = cluster();
        String id = UUID.randomUUID().toString();
        HttpResponse<String> created = http.send(direct(cluster, 0, "/v2/images").header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString("{\"id\":\"" + id + "\",\"name\":\"elsewhere\"}")).build(), BodyHandlers.ofString());
        assertThat(created.statusCode()).as("created without this router").isEqualTo(201);

        CountDownLatch hostKilled = new CountDownLatch(1);
        InputStream body = new InputStream() {
            private final InputStream first = new ByteArrayInputStream(bytes(512 * 1024));
            private final InputStream rest = new ByteArrayInputStream(bytes(1024 * 1024));

            @Override
            public int read() {
                throw new UnsupportedOperationException("read in chunks");
            }

            @Override
            public int read(byte[] into, int offset, int length) throws IOException {
                int read = first.read(into, offset, length);
                if (read > 0) {
                    return read;
                }
                try {
                    hostKilled.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException();
                }
                return rest.read(into, offset, length); // sent to a dead host
            }
        };
        Future<HttpResponse<String>> upload;
        try (ExecutorService client = Executors.newVirtualThreadPerTaskExecutor()) {
            upload = client.submit(() -> http.send(request(cluster, "/v2/images/" + id + "/file")
                    .header("Content-Type", "application/octet-stream")
                    .PUT(BodyPublishers.ofInputStream(() -> body)).build(), BodyHandlers.ofString()));
            await().atMost(Duration.ofSeconds(10)).until(() -> statusShownBy(cluster, 1, id).equals("saving"));
            cluster.host(0).kill();
            hostKilled.countDown();
        }

        HttpResponse<String> answer = upload.get();
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
        assertThat(answer.body()).contains("upload-interrupted").contains("create it again");
        assertThat(statusShownBy(cluster, 1, id)).as("the image left saving was removed").isEqualTo("(404)");
    }

    @Test
    void a503BeforeAnyByteMovesTheRequestToAnotherHost() throws Exception {
        Cluster cluster = cluster();
        String id = createAndUpload(cluster, bytes(64 * 1024));
        cluster.host(0).faults().answerUnavailable(1);
        cluster.host(1).faults().answerUnavailable(1);
        for (int i = 0; i < 3; i++) {
            assertThat(send(cluster, "GET", "/v2/images/" + id).statusCode()).isEqualTo(200);
        }
        assertThat(cluster.host(0).requests().count("unavailable") + cluster.host(1).requests().count("unavailable")).isEqualTo(2);
    }

    @Test
    void aReadThatEveryPlannedHostFailedPlansAgainAndIsServedByAHostThatRecovered() throws Exception {
        Cluster cluster = cluster();
        String id = createAndUpload(cluster, bytes(64 * 1024));
        cluster.hosts.forEach(host -> host.faults().answerUnavailable(1));

        assertThat(send(cluster, "GET", "/v2/images/" + id).statusCode()).as("served in the second plan").isEqualTo(200);
        assertThat(cluster.hosts).allMatch(host -> host.requests().count("unavailable") == 1);
        assertThat(meters.find("imagelib.router.read.replans").tag("region", cluster.region).counter().count()).isEqualTo(1);
    }

    @Test
    void aReadNoHostCanServeEndsAfterItsFourPlansWithTheLastAnswer() throws Exception {
        Cluster cluster = cluster();
        String id = createAndUpload(cluster, bytes(64 * 1024));
        cluster.hosts.forEach(host -> host.faults().answerUnavailable(1_000));

        long started = System.nanoTime();
        assertThat(send(cluster, "GET", "/v2/images/" + id).statusCode()).isEqualTo(503);
        assertThat(cluster.hosts.stream().mapToLong(host -> host.requests().count("unavailable")).sum())
                .as("four plans of three hosts").isEqualTo(12);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("three pauses of 250 ms, then the answer")
                .isBetween(Duration.ofMillis(750), Duration.ofSeconds(5));
    }

    /**
     * The goal is 50 ms at p99 (see docs/benchmarks/2026-11-25-image-router.md for the measured distribution and the load it
     * was measured under). On this shared 2-core machine scheduling delays of the five Kafka hops dominate the tail,
     * so verify guards the median, which a polling or batching regression in the state path would break.
     */
    @Test
    void aDownEventRemovesTheHostFromChoiceQuickly() throws Exception {
        Cluster cluster = cluster();
        List<Long> sorted = new DownExclusionProbe(kafka.bootstrapServers(), kafka.typed().registry(), live)
                .measure(cluster.region, cluster.hostId(1), 10, 100);
        long p50 = DownExclusionProbe.percentile(sorted, 50);
        long p99 = DownExclusionProbe.percentile(sorted, 99);
        System.out.printf("DOWN event -> host excluded: p50 %d us, p99 %d us, max %d us (n=%d), load average %.1f%n", p50, p99,
                sorted.getLast(), sorted.size(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        assertThat(p50).isLessThanOrEqualTo(50_000);
        // The probe's last record puts the host back UP; its ack does not mean the router applied it yet.
        await().atMost(Duration.ofSeconds(10)).until(() -> live.snapshot().healthy(cluster.region).size() == 3);
    }

    @Test
    void requestsCanOnlyReachRegisteredHostsUnderV2() throws Exception {
        Cluster cluster = cluster();
        for (String path : List.of("/v2/images/%2e%2e/%2e%2e/healthcheck", "/v2/images/../../healthcheck",
                "/v2/images/..%2f..%2fhealthcheck", "/v2/images/%252e%252e/x", "/regions/" + cluster.region + "/v2/images/%2e%2e/x")) {
            // Tomcat refuses some itself (400), normalises others out of /v2 (404); none is forwarded.
            assertThat(rawGet(path, "127.0.0.1", cluster.region)).as(path).matches("HTTP/1.1 40[04] .*");
        }
        assertThat(cluster.hosts.stream().mapToLong(h -> h.requests().count("healthcheck") + h.requests().count("list")
                + h.requests().count("show")).sum()).isZero();
        assertThat(rawGet("/v2/images", "169.254.169.254", cluster.region)).as("the Host header picks nothing").startsWith("HTTP/1.1 200");
        assertThat(rawGet("http://169.254.169.254/v2/images", "169.254.169.254", cluster.region))
                .as("nor does an absolute request target").startsWith("HTTP/1.1 200");
        assertThat(cluster.hosts.stream().mapToLong(h -> h.requests().count("list")).sum()).isEqualTo(2);
        assertThat(rawGet("/v2/images", "127.0.0.1", "NO-SUCH-REGION")).startsWith("HTTP/1.1 503");
    }

    /** What the openstack CLI asks first (keystoneauth's version discovery); the cache is off in this IT. */
    @Test
    void versionDiscoveryIsAnsweredByAHostWithEveryLinkPointingBackToTheRouter() throws Exception {
        Cluster cluster = cluster();
        String router = "http://127.0.0.1:" + port;
        HttpResponse<String> root = send(cluster, "GET", "/");
        assertThat(root.statusCode()).as("like Glance: Multiple Choices").isEqualTo(300);
        assertThat(root.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        JsonNode document = JSON.readTree(root.body());
        assertThat(document.path("versions").size()).isEqualTo(10);
        assertThat(document.path("versions").get(0).path("id").asString()).isEqualTo("v2.15");
        assertThat(hrefs(document)).hasSize(10).allMatch((router + "/v2/")::equals);
        assertThat(send(cluster, "GET", "/versions").statusCode()).isEqualTo(200);

        String prefixed = router + "/regions/" + cluster.region;
        HttpResponse<String> regional = http.send(HttpRequest.newBuilder(URI.create(prefixed + "/")).build(), BodyHandlers.ofString());
        assertThat(regional.statusCode()).isEqualTo(300);
        String v2 = hrefs(JSON.readTree(regional.body())).getFirst();
        assertThat(v2).isEqualTo(prefixed + "/v2/");
        assertThat(http.send(HttpRequest.newBuilder(URI.create(v2 + "images")).header("X-Identity-Status", "Confirmed").build(),
                BodyHandlers.ofString()).statusCode()).as("the client follows its link back through the router").isEqualTo(200);

        String forged = rawExchange("GET", "/", "169.254.169.254", cluster.region);
        assertThat(forged).startsWith("HTTP/1.1 300").contains("\"href\":\"" + router + "/v2/\"").doesNotContain("169.254.169.254");
        assertThat(cluster.hosts).as("round robin over the UP hosts").allMatch(host -> host.requests().count("versions") > 0);
        assertThat(rawExchange("POST", "/", "127.0.0.1", cluster.region)).startsWith("HTTP/1.1 405");

        cluster.host(0).kill();
        cluster.host(1).kill();
        for (int i = 0; i < 3; i++) {
            assertThat(send(cluster, "GET", "/").statusCode()).as("the next host answers").isEqualTo(300);
        }
        cluster.host(2).kill();
        HttpResponse<String> stale = send(cluster, "GET", "/");
        assertThat(stale.statusCode()).as("the last document fetched, when no host answers").isEqualTo(300);
        assertThat(hrefs(JSON.readTree(stale.body()))).allMatch((router + "/v2/")::equals);
        assertThat(meters.counter("imagelib.router.versions", "region", cluster.region, "outcome", "stale").count()).isEqualTo(1);
        assertThat(rawExchange("GET", "/", "127.0.0.1", "NO-SUCH-REGION")).startsWith("HTTP/1.1 503").contains("no-healthy-host");
    }

    private static List<String> hrefs(JsonNode document) {
        List<String> hrefs = new ArrayList<>();
        document.path("versions").forEach(v -> v.path("links").forEach(link -> hrefs.add(link.path("href").asString())));
        return hrefs;
    }

    // ---- the cluster: three simulated hosts on one directory, registered UP in a region of their own ----

    private record Cluster(String region, List<GlanceSimulator> hosts) {
        GlanceSimulator host(int i) {
            return hosts.get(i);
        }

        String hostId(int i) {
            return region + "-h" + i;
        }
    }

    private Cluster cluster() {
        String region = "T" + REGIONS.incrementAndGet();
        List<GlanceSimulator> hosts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            GlanceSimulator host = GlanceSimulator.start(SimulatorConfig.onLoopback(shared));
            started.add(host);
            hosts.add(host);
        }
        Cluster cluster = new Cluster(region, hosts);
        var typed = kafka.typed();
        for (int i = 0; i < 3; i++) {
            String base = hosts.get(i).baseUri().toString();
            typed.produce(Topics.HOST_ROLES, cluster.hostId(i), HostRole.newBuilder().setRegion(region).setHostId(cluster.hostId(i))
                    .setPublicUrl(base).setAdminUrl(base).setAssignedAt(Instant.now().plusMillis(i))
                    .setStorage(StorageBackend.newBuilder().setType(StorageType.NFS).setMountPath("/var/opt/imagelibrary/data").build())
                    .build());
            typed.produce(Topics.HOST_HEALTH, cluster.hostId(i), health(cluster, i, HealthStatus.UP));
        }
        typed.produce(Topics.ADMIN_ENDPOINT, region, admin(cluster, 0, 1));
        await().atMost(Duration.ofSeconds(15)).until(() -> live.snapshot().healthy(region).size() == 3
                && live.snapshot().admin(region).isPresent());
        return cluster;
    }

    private static HostHealth health(Cluster cluster, int i, HealthStatus status) {
        Instant now = Instant.now();
        return HostHealth.newBuilder().setRegion(cluster.region).setHostId(cluster.hostId(i)).setStatus(status)
                .setSince(now).setObservedAt(now).setMonitorId("router-it").build();
    }

    private static AdminEndpoint admin(Cluster cluster, int i, long epoch) {
        return AdminEndpoint.newBuilder().setRegion(cluster.region).setHostId(cluster.hostId(i))
                .setUrl(cluster.host(i).baseUri().toString()).setEpoch(epoch)
                .setReason(epoch == 1 ? AdminChangeReason.LAST_ASSIGNED : AdminChangeReason.MANUAL)
                .setChangedAt(Instant.now()).build();
    }

    // ---- client side ----

    private HttpRequest.Builder request(Cluster cluster, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("X-Imagelib-Region", cluster.region)
                .header("X-Auth-Token", "token-" + cluster.region)
                .header("X-Identity-Status", "Confirmed")
                .header("X-Roles", "admin")
                .header("X-Project-Id", PROJECT);
    }

    /** A request straight to one host, past the router. */
    private HttpRequest.Builder direct(Cluster cluster, int host, String path) {
        return HttpRequest.newBuilder(cluster.host(host).baseUri().resolve(path))
                .header("X-Auth-Token", "token-" + cluster.region)
                .header("X-Identity-Status", "Confirmed")
                .header("X-Roles", "admin")
                .header("X-Project-Id", PROJECT);
    }

    /** The image's status as one host shows it, or "(404)" and the like. */
    private String statusShownBy(Cluster cluster, int host, String id) throws Exception {
        HttpResponse<String> shown = http.send(direct(cluster, host, "/v2/images/" + id).build(), BodyHandlers.ofString());
        return shown.statusCode() == 200 ? JSON.readTree(shown.body()).get("status").asString() : "(" + shown.statusCode() + ")";
    }

    private HttpResponse<String> send(Cluster cluster, String method, String path) throws Exception {
        return http.send(request(cluster, path).method(method, BodyPublishers.noBody()).build(), BodyHandlers.ofString());
    }

    private HttpResponse<String> create(Cluster cluster, String json) throws Exception {
        return http.send(request(cluster, "/v2/images").header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString(json)).build(), BodyHandlers.ofString());
    }

    private String createAndUpload(Cluster cluster, byte[] data) throws Exception {
        String id = UUID.randomUUID().toString();
        HttpResponse<String> created = create(cluster, "{\"id\":\"" + id + "\",\"name\":\"cirros\",\"disk_format\":\"qcow2\",\"container_format\":\"bare\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        HttpResponse<String> uploaded = http.send(request(cluster, "/v2/images/" + id + "/file")
                .header("Content-Type", "application/octet-stream")
                .PUT(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(data))).build(), BodyHandlers.ofString());
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(204);
        return id;
    }

    private String sha512Of(Cluster cluster, String id) throws Exception {
        HttpResponse<InputStream> response = http.send(request(cluster, "/v2/images/" + id + "/file").build(), BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        MessageDigest sha512 = MessageDigest.getInstance("SHA-512");
        try (InputStream in = new DigestInputStream(response.body(), sha512)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(sha512.digest());
    }

    /**
     * 30 concurrent downloads of a 1 MiB image, paced to ~4 s each; once host 1 serves 10 of them it hangs (mid-body),
     * the other hosts stop pacing and {@code afterHang} runs. Returns, sorted, how many ms after the instant
     * {@code afterHang} returns each download ended, every one with the right SHA-512.
     */
    private List<Long> whileHost1HangsDuring30Downloads(Cluster cluster, Callable<Long> afterHang) throws Exception {
        byte[] data = bytes(1024 * 1024);
        String id = createAndUpload(cluster, data);
        String expected = hex("SHA-512", data);
        cluster.hosts.forEach(host -> host.faults().throttleDownloads(256 * 1024));
        List<Future<Long>> downloads = new ArrayList<>();
        long mark;
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 30; i++) {
                downloads.add(clients.submit(() -> downloadedAt(cluster, id, expected)));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> cluster.host(1).requests().count("download") >= 10);
            cluster.host(1).faults().hang();
            cluster.host(0).faults().throttleDownloads(0);
            cluster.host(2).faults().throttleDownloads(0);
            mark = afterHang.call();
        }
        List<Long> after = new ArrayList<>();
        for (Future<Long> download : downloads) {
            after.add((download.get() - mark) / 1_000_000);
        }
        after.sort(null);
        return after;
    }

    /** Downloads the image, checks its digest and returns when it ended (System.nanoTime). */
    private long downloadedAt(Cluster cluster, String id, String expectedSha512) throws Exception {
        assertThat(sha512Of(cluster, id)).isEqualTo(expectedSha512);
        return System.nanoTime();
    }

    private double panicEntries(Cluster cluster) {
        return meters.find("imagelib.router.panic.entries").tag("region", cluster.region).counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    private double cut(Cluster cluster, int host) {
        return meters.find("imagelib.router.inflight.cut").tag("host", cluster.hostId(host)).counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    /** The whole answer (status line, headers, body) of one raw request. */
    private String rawExchange(String method, String target, String hostHeader, String region) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write((method + " " + target + " HTTP/1.1\r\nHost: " + hostHeader + "\r\nX-Imagelib-Region: " + region
                    + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private String rawGet(String target, String hostHeader, String region) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + target + " HTTP/1.1\r\nHost: " + hostHeader + "\r\nX-Imagelib-Region: " + region
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    private static byte[] bytes(int size) {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        return data;
    }

    private static String hex(String algorithm, byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
    }
}
