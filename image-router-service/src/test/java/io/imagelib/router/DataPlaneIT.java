package io.imagelib.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
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
import io.imagelib.router.web.DataPlane;
import io.imagelib.schemas.topics.Topics;
import io.imagelib.testing.KafkaTestBroker;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
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

/**
 * Downloads through the data plane (its own port, epoll, splice) from real HTTP upstreams: Glance simulators, and a
 * bare JDK server for a chunked answer. Each test has its own region and hosts.
 */
@SpringBootTest(classes = ImageRouterApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DataPlaneIT {

    @RegisterExtension
    static KafkaTestBroker kafka = new KafkaTestBroker();

    @TempDir
    static Path shared;

    private static final AtomicInteger REGIONS = new AtomicInteger();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", kafka::bootstrapServers);
        registry.add("imagelib.kafka.schema-registry-url", () -> KafkaTestBroker.REGISTRY_URL);
        registry.add("imagelib.kafka.instance-id", () -> "dataplane-it");
        registry.add("imagelib.router.read-response-timeout", () -> "1s");
        registry.add("imagelib.router.data-plane.enabled", () -> "true");
        registry.add("imagelib.router.data-plane.port", () -> "0");
        registry.add("imagelib.router.data-plane.address", () -> "127.0.0.1");
    }

    @LocalServerPort
    int servletPort;
    @Autowired
    DataPlane dataPlane;
    @Autowired
    LiveHosts live;
    @Autowired
    MeterRegistry meters;
    @Autowired
    Quarantine quarantine;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    private final List<AutoCloseable> started = new ArrayList<>();

    @AfterEach
    void stopUpstreams() throws Exception {
        for (AutoCloseable host : started) {
            if (host instanceof GlanceSimulator simulator) {
                simulator.faults().clear();
            }
            host.close();
        }
    }

    @Test
    void downloadsOneAfterAnotherAndInParallelAreSplicedWholeWithoutACopy() throws Exception {
        Region region = region(3);
        byte[] data = bytes(4 * 1024 * 1024 + 3);
        String id = upload(region, data);
        double copiedBefore = copied();

        for (int i = 0; i < 6; i++) {
            HttpResponse<byte[]> download = download(region, id);
            assertThat(download.statusCode()).isEqualTo(200);
            assertThat(download.headers().firstValueAsLong("Content-Length")).hasValue(data.length);
            assertThat(download.body()).isEqualTo(data);
        }
        assertThat(region.hosts).allMatch(host -> ((GlanceSimulator) host).requests().count("download") == 2);
        List<Future<byte[]>> parallel = new ArrayList<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 24; i++) {
                parallel.add(clients.submit(() -> download(region, id).body()));
            }
        }
        for (Future<byte[]> body : parallel) {
            assertThat(body.get()).isEqualTo(data);
        }
        assertThat(copied()).as("plain HTTP bodies framed by Content-Length are never copied").isEqualTo(copiedBefore);
        assertThat(meters.find("imagelib.router.upstream.bytes").tag("region", region.name).tag("direction", "download")
                .counters()).as("ten bodies per host (the admin also relayed the create's JSON answer)").hasSize(3)
                .allMatch(counter -> counter.count() >= 10.0 * data.length && counter.count() < 10.0 * data.length + 64 * 1024);
    }

    @Test
    void aHostKilledBeforeTheFirstByteIsSkippedAndReportedAndEveryDownloadSucceeds() throws Exception {
        Region region = region(3);
        byte[] data = bytes(1024 * 1024);
        String id = upload(region, data);
        region.simulator(1).kill();

        for (int i = 0; i < 6; i++) {
            assertThat(download(region, id).body()).isEqualTo(data);
        }
        assertThat(retries(region, "refused")).isGreaterThanOrEqualTo(1);
        assertThat(quarantine.refused(region.hostId(1), System.currentTimeMillis())).isTrue();
        kafka.typed().await(Topics.HOST_OBSERVATIONS, r -> r.key().equals(region.hostId(1))
                && r.value().getKind() == ObservationKind.CONNECTION_REFUSED, Duration.ofSeconds(10));
    }

    @Test
    void aHostThatHangsBeforeItsHeadIsLeftAfterTheReadTimeoutAndOneThatAnswers503IsSkipped() throws Exception {
        Region region = region(2);
        byte[] data = bytes(512 * 1024);
        String id = upload(region, data);
        region.simulator(0).faults().hang();

        long began = System.nanoTime();
        for (int i = 0; i < 2; i++) {
            assertThat(download(region, id).body()).isEqualTo(data);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - began)).as("one read-headers timeout, then the host is quarantined")
                .isLessThan(Duration.ofSeconds(5));
        assertThat(retries(region, "lost_after_send")).isEqualTo(1);
        kafka.typed().await(Topics.HOST_OBSERVATIONS, r -> r.key().equals(region.hostId(0))
                && r.value().getKind() == ObservationKind.TIMEOUT, Duration.ofSeconds(10));

        region.simulator(0).faults().clear();
        region.simulator(1).faults().answerUnavailable(1);
        quarantine.release(region.hostId(0));
        for (int i = 0; i < 2; i++) {
            assertThat(download(region, id).body()).isEqualTo(data);
        }
        assertThat(retries(region, "unavailable")).isEqualTo(1);
    }

    @Test
    void aChunkedAnswerIsCopiedAndCounted() throws Exception {
        byte[] data = bytes(300 * 1024);
        HttpServer chunked = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        chunked.createContext("/v2/images/", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
            exchange.sendResponseHeaders(200, 0); // 0: Transfer-Encoding: chunked
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(data);
            }
        });
        chunked.start();
        started.add(() -> chunked.stop(0));
        Region region = register(List.of(URI.create("http://127.0.0.1:" + chunked.getAddress().getPort())));
        double before = meters.counter("imagelib.router.dataplane.copied", "reason", "chunked").count();

        HttpResponse<byte[]> download = download(region, UUID.randomUUID().toString());

        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(data);
        assertThat(meters.counter("imagelib.router.dataplane.copied", "reason", "chunked").count()).isEqualTo(before + 1);
    }

    @Test
    void aBodyThatBreaksMidwayEndsTheClientConnectionAndIsReported() throws Exception {
        Region region = region(2);
        byte[] data = bytes(2 * 1024 * 1024);
        String id = upload(region, data);
        region.simulator(0).faults().breakDownload(1, 512 * 1024);
        region.simulator(1).faults().breakDownload(1, 512 * 1024);

        assertThatThrownBy(() -> download(region, id)).isInstanceOf(IOException.class);
        await().atMost(Duration.ofSeconds(5)).until(() -> meters.find("imagelib.router.resumes").tag("region", region.name)
                .tag("outcome", "not-on-data-plane").counters().stream().mapToDouble(c -> c.count()).sum() == 1);
    }

    @Test
    void whatTheDataPlaneDoesNotServeIsSentToTheServletPort() throws Exception {
        Region region = region(1);
        String id = upload(region, bytes(1024));
        HttpClient following = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NORMAL).build();

        HttpResponse<String> redirected = http.send(request(region, "/v2/images/" + id).build(), BodyHandlers.ofString());
        HttpResponse<String> followed = following.send(request(region, "/v2/images/" + id).build(), BodyHandlers.ofString());

        assertThat(redirected.statusCode()).isEqualTo(307);
        assertThat(redirected.headers().firstValue("Location")).hasValue("http://127.0.0.1:" + servletPort + "/v2/images/" + id);
        assertThat(followed.statusCode()).isEqualTo(200);
        assertThat(followed.body()).contains(id);
    }

    // ---- hosts: Glance simulators on one directory, registered UP in a region of their own ----

    private record Region(String name, List<AutoCloseable> hosts, List<URI> urls) {
        String hostId(int i) {
            return name + "-h" + i;
        }

        GlanceSimulator simulator(int i) {
            return (GlanceSimulator) hosts.get(i);
        }
    }

    private Region region(int size) {
        List<URI> urls = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            GlanceSimulator host = GlanceSimulator.start(SimulatorConfig.onLoopback(shared));
            started.add(host);
            urls.add(host.baseUri());
        }
        return register(urls);
    }

    private Region register(List<URI> urls) {
        String name = "D" + REGIONS.incrementAndGet();
        Region region = new Region(name, started.subList(started.size() - urls.size(), started.size()).stream().toList(), urls);
        Instant now = Instant.now();
        for (int i = 0; i < urls.size(); i++) {
            String base = urls.get(i).toString();
            kafka.typed().produce(Topics.HOST_ROLES, region.hostId(i), HostRole.newBuilder().setRegion(name)
                    .setHostId(region.hostId(i)).setPublicUrl(base).setAdminUrl(base).setAssignedAt(now.plusMillis(i))
                    .setStorage(StorageBackend.newBuilder().setType(StorageType.NFS).setMountPath("/var/opt/imagelibrary/data").build())
                    .build());
            kafka.typed().produce(Topics.HOST_HEALTH, region.hostId(i), HostHealth.newBuilder().setRegion(name)
                    .setHostId(region.hostId(i)).setStatus(HealthStatus.UP).setSince(now).setObservedAt(now)
                    .setMonitorId("dataplane-it").build());
        }
        kafka.typed().produce(Topics.ADMIN_ENDPOINT, name, AdminEndpoint.newBuilder().setRegion(name).setHostId(region.hostId(0))
                .setUrl(urls.get(0).toString()).setEpoch(1).setReason(AdminChangeReason.LAST_ASSIGNED).setChangedAt(now).build());
        await().atMost(Duration.ofSeconds(15)).until(() -> live.snapshot().healthy(name).size() == urls.size());
        return region;
    }

    /** Creates the image and uploads its data through the servlet port (the data plane sends neither). */
    private String upload(Region region, byte[] data) throws Exception {
        String id = UUID.randomUUID().toString();
        URI servlet = URI.create("http://127.0.0.1:" + servletPort);
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(servlet.resolve("/v2/images"))
                .header("X-Imagelib-Region", region.name).header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString("{\"id\":\"" + id + "\",\"name\":\"cirros\"}")).build(), BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        HttpResponse<String> uploaded = http.send(HttpRequest.newBuilder(servlet.resolve("/v2/images/" + id + "/file"))
                .header("X-Imagelib-Region", region.name).header("Content-Type", "application/octet-stream")
                .PUT(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(data))).build(), BodyHandlers.ofString());
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(204);
        return id;
    }

    private HttpRequest.Builder request(Region region, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + dataPlane.port() + path))
                .header("X-Imagelib-Region", region.name).header("X-Auth-Token", "token-" + region.name);
    }

    private HttpResponse<byte[]> download(Region region, String id) throws Exception {
        return http.send(request(region, "/v2/images/" + id + "/file").build(), BodyHandlers.ofByteArray());
    }

    private double copied() {
        return meters.find("imagelib.router.dataplane.copied").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private double retries(Region region, String reason) {
        return meters.find("imagelib.router.retries").tag("region", region.name).tag("reason", reason).counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    private static byte[] bytes(int size) {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        return data;
    }
}
