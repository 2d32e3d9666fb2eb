package io.imagelib.ilctl.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.imagelib.deploy.local.PostgresCluster;
import io.imagelib.deploy.local.ServiceModule;
import io.imagelib.ilctl.IlctlRun;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code ilctl up} with REAL Glance, as on a machine that has glance-api: no Glance flag at all, 3 Debian glance-api
 * hosts over one data directory and one private PostgreSQL cluster; an image uploaded and downloaded back through
 * image-router-service; the admin glance-api SIGKILLed and the new admin seen through {@code ilctl endpoint list};
 * {@code ilctl down} leaving no process and no listening port, PostgreSQL included.
 *
 * <p>The state directory lies below a directory closed to others (mode 700, as a checkout under /root), so the
 * database takes the path a CI machine takes: relocated to /var/tmp, linked from DIR/postgres.
 *
 * <p>Runs with {@code -Psystem} (see ilctl-cli/pom.xml and system-tests/run.sh), skipped with its reason where
 * glance-api or PostgreSQL is missing or we are not root.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealGlanceStackIT {

    /** Not LocalStackIT's 21000, nor the conventional ports; every port stays below the ephemeral range (32768). */
    private static final int PORT_OFFSET = 23000;
    private static final Path PRIVATE_PARENT = Path.of("target", "it-real-glance").toAbsolutePath();
    private static final Path DIR = PRIVATE_PARENT.resolve("stack");
    private static final StackLayout LAYOUT = new StackLayout(DIR);
    private static final StackConfig CONFIG = new StackConfig(PORT_OFFSET, 3, "RegionOne", StackConfig.GlanceMode.real);
    private static final StackUnderTest STACK = new StackUnderTest(DIR, CONFIG);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final byte[] IMAGE = randomBytes(3 * 1024 * 1024);

    private static String upOutput;
    private static String imageId;

    @BeforeAll
    static void upWithRealGlance() throws IOException {
        StackUnderTest.assumeRealGlanceCanRun("RealGlanceStackIT");
        IlctlRun up = STACK.upFreshBelow(PRIVATE_PARENT);
        upOutput = up.out();
        assertThat(up.exitCode()).as(up.err()).isZero();
    }

    @AfterAll
    static void downAndCleanUp() throws IOException {
        STACK.downAndDeleteDatabase();
    }

    @Test
    @Order(1)
    void upRunsRealGlanceHostsOnOneDatabaseAndOneStoreByDefault() {
        assertThat(upOutput).contains("==> Glance hosts (glance-api, PostgreSQL)", "Glance, started", "schema created (glance-manage db_sync",
                "(host-3, the last host given the role)", "| Service Name | Service Type | Enabled | Interface |").doesNotContain("SIMULATED");
        assertThat(upOutput).contains("database glance in " + PostgresCluster.relocated(GlanceDatabase.place(LAYOUT)));
        assertThat(Files.isSymbolicLink(DIR.resolve("postgres"))).as("DIR/postgres links to the relocated cluster").isTrue();

        IlctlRun status = IlctlRun.of(STACK.args("status", "-f", "value", "-c", "Component", "-c", "Kind", "-c", "State", "-c", "Health"));
        assertThat(status.exitCode()).as(status.out()).isZero();
        assertThat(status.out()).contains("postgres PostgreSQL (Glance DB) running ready", "host-1 Glance running ready",
                "host-2 Glance running ready", "host-3 Glance running ready").doesNotContain("simulated");
    }

    @Test
    @Order(2)
    void anImageUploadedThroughTheRouterDownloadsBackIdenticalFromEveryHost() throws Exception {
        String router = CONFIG.serviceUrl(ServiceModule.ROUTER);
        HttpResponse<String> created = HTTP.send(glance(router + "/v2/images")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"ilctl-it\",\"disk_format\":\"raw\",\"container_format\":\"bare\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        imageId = created.body().replaceAll("(?s).*\"id\": ?\"([0-9a-f-]{36})\".*", "$1");

        HttpResponse<String> uploaded = HTTP.send(glance(router + "/v2/images/" + imageId + "/file")
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(IMAGE)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(204);

        assertThat(sha256Download(router)).isEqualTo(sha256(IMAGE));
        for (GlanceHost host : CONFIG.glanceHosts()) {
            assertThat(sha256Download(host.url())).as("download from " + host.name()).isEqualTo(sha256(IMAGE));
        }
        assertThat(Files.size(LAYOUT.glanceData().resolve(imageId))).as("the image file in the shared store").isEqualTo(IMAGE.length);
    }

    @Test
    @Order(3)
    void upTwiceKeepsEveryProcessIncludingTheDatabase() {
        List<Long> before = STACK.recordedPids();

        IlctlRun again = IlctlRun.of(STACK.args("up"));

        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out()).contains("postgres", "already running").doesNotContain("started (PID", "db_sync");
        assertThat(STACK.recordedPids()).containsExactlyInAnyOrderElementsOf(before);
    }

    @Test
    @Order(4)
    void killingTheAdminGlanceMovesTheAdminEndpointAndTheImageStillDownloads() throws Exception {
        String admin = STACK.adminUrl().orElseThrow();
        GlanceHost adminHost = CONFIG.glanceHosts().stream().filter(h -> h.url().equals(admin)).findFirst().orElseThrow();
        ProcessHandle glanceApi = LAYOUT.process(adminHost.name()).running().orElseThrow();
        assertThat(glanceApi.info().commandLine().orElse("")).contains("glance-api");

        glanceApi.destroyForcibly();

        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> STACK.adminUrl().filter(url -> !url.equals(admin)).isPresent());
        String newAdmin = STACK.adminUrl().orElseThrow();
        IlctlRun table = IlctlRun.of(STACK.service("endpoint", "list", "--service", "glance", "--interface", "admin"));
        System.out.println(table.out());
        assertThat(table.out()).contains("| glance       | image        | True    | admin     | " + newAdmin);
        assertThat(CONFIG.glanceHosts()).extracting(GlanceHost::url).contains(newAdmin);
        assertThat(sha256Download(CONFIG.serviceUrl(ServiceModule.ROUTER))).isEqualTo(sha256(IMAGE));
    }

    @Test
    @Order(5)
    void downLeavesNoProcessAndNoListeningPort() {
        List<ProcessHandle> before = new ArrayList<>();
        STACK.recordedPids().forEach(pid -> ProcessHandle.of(pid).ifPresent(before::add));
        // PostgreSQL's own children (checkpointer, walwriter, backends of the hosts) must go with it.
        ProcessHandle postmaster = LAYOUT.process(GlanceDatabase.NAME).running().orElseThrow();
        postmaster.descendants().forEach(before::add);
        assertThat(before).hasSizeGreaterThanOrEqualTo(10); // kafka, registry, 4 services, postgres + children, 2 hosts

        long started = System.nanoTime();
        IlctlRun down = IlctlRun.of(STACK.args("down"));
        System.out.printf("ilctl down took %d ms%n%s%n", (System.nanoTime() - started) / 1_000_000, down.out());

        assertThat(down.exitCode()).as(down.err()).isZero();
        assertThat(down.out()).contains("stopped postgres", "stopped host-", "stopped kafka", "stopped registry");
        assertThat(before).allSatisfy(p -> assertThat(p.isAlive()).as("PID " + p.pid() + " " + p.info().commandLine().orElse("")).isFalse());
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(DIR.toString())).toList())
                .as("processes naming " + DIR).isEmpty();
        List<Integer> ports = new ArrayList<>(List.of(CONFIG.kafkaPort(), CONFIG.registryPort(), GlanceDatabase.port(CONFIG), Keystone.port(CONFIG)));
        Arrays.stream(ServiceModule.values()).map(CONFIG::port).forEach(ports::add);
        CONFIG.glanceHosts().stream().map(GlanceHost::port).forEach(ports::add);
        assertThat(ports).allSatisfy(port -> assertThat(listening(port)).as("something listens on " + port).isFalse());
    }

    private static HttpRequest.Builder glance(String url) {
        // The hosts validate the token with the stack's Keystone; the router passes it through.
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("X-Auth-Token", Keystone.of(Project.locate(), LAYOUT).admin().token());
    }

    private static String sha256Download(String baseUrl) throws Exception {
        HttpResponse<InputStream> response = HTTP.send(glance(baseUrl + "/v2/images/" + imageId + "/file").GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).as("GET " + baseUrl + " image file").isEqualTo(200);
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream body = response.body()) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = body.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(8).nextBytes(bytes);
        return bytes;
    }
}
