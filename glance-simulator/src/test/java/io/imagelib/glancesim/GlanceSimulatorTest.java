package io.imagelib.glancesim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two simulated hosts over one data directory behave like Glance hosts on shared storage. */
class GlanceSimulatorTest {

    private static final int IMAGE_BYTES = 3 * 1024 * 1024 + 17;

    @TempDir
    Path shared;
    @TempDir
    Path control;

    private GlanceSimulator hostA;
    private GlanceSimulator hostB;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void startTwoHostsOnSharedStorage() {
        hostA = GlanceSimulator.start(SimulatorConfig.onLoopback(shared).withDisableFile(control.resolve("disable-a")));
        hostB = GlanceSimulator.start(SimulatorConfig.onLoopback(shared));
    }

    @AfterEach
    void stop() {
        hostA.close();
        hostB.close();
    }

    @Test
    void healthcheckAnswersOkUntilTheDisableFileExists() throws Exception {
        assertThat(send(hostA, "GET", "/healthcheck").body()).isEqualTo("OK");
        Files.createFile(control.resolve("disable-a"));
        HttpResponse<String> drained = send(hostA, "GET", "/healthcheck");
        assertThat(drained.statusCode()).isEqualTo(503);
        assertThat(drained.body()).isEqualTo("DISABLED BY FILE");
    }

    @Test
    void theVersionDocumentListsV2WithSelfLinksToTheHostAsAddressed() throws Exception {
        HttpResponse<String> root = send(hostA, "GET", "/");
        assertThat(root.statusCode()).as("Glance answers / with Multiple Choices").isEqualTo(300);
        assertThat(root.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(root.body()).contains("{\"id\":\"v2.15\"", "\"status\":\"CURRENT\"", "\"id\":\"v2.0\"",
                "\"href\":\"" + hostA.baseUri() + "/v2/\"");
        HttpResponse<String> explicit = send(hostA, "GET", "/versions");
        assertThat(explicit.statusCode()).isEqualTo(200);
        assertThat(explicit.body()).isEqualTo(root.body());
        assertThat(hostA.requests().count("versions")).isEqualTo(2);
    }

    @Test
    void theImageSchemasTheGlanceClientReadsAreServedAsGlanceServesThem() throws Exception {
        for (String name : new String[] {"image", "images"}) {
            HttpResponse<String> schema = send(hostA, "GET", "/v2/schemas/" + name);
            assertThat(schema.statusCode()).as(name).isEqualTo(200);
            assertThat(schema.headers().firstValue("Content-Type")).contains("application/json");
            assertThat(schema.body()).as(name).contains("\"name\": \"" + name + "\"", "\"disk_format\"", "\"links\"");
        }
        assertThat(send(hostA, "GET", "/v2/schemas/member").statusCode()).as("schemas the clients do not read").isEqualTo(404);
        assertThat(hostA.requests().count("schema")).isEqualTo(2);
    }

    @Test
    void anImageCreatedOnOneHostIsSeenOnTheOtherAndItsIdCannotBeTakenTwice() throws Exception {
        String id = UUID.randomUUID().toString();
        HttpResponse<String> created = createImage(hostA, id);
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.body()).contains("\"status\":\"queued\"").contains("\"owner\":\"0123456789abcdef0123456789abcdef\"");

        assertThat(createImage(hostB, id).statusCode()).isEqualTo(409);
        assertThat(send(hostB, "GET", "/v2/images/" + id).body()).contains(id);
        assertThat(send(hostB, "GET", "/v2/images?limit=1").body()).contains(id);
        assertThat(hostA.requests().lastApiHeaders()).containsKey("X-auth-token");
    }

    @Test
    void uploadSetsChecksumsAndAnyHostServesTheDataWithRanges() throws Exception {
        byte[] data = randomBytes(IMAGE_BYTES);
        String id = UUID.randomUUID().toString();
        createImage(hostA, id);

        HttpResponse<String> upload = http.send(request(hostA, "/v2/images/" + id + "/file")
                .header("Content-Type", "application/octet-stream")
                .PUT(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(data))).build(), BodyHandlers.ofString());
        assertThat(upload.statusCode()).isEqualTo(204);

        String image = send(hostB, "GET", "/v2/images/" + id).body();
        assertThat(image).contains("\"status\":\"active\"").contains("\"size\":" + IMAGE_BYTES)
                .contains("\"checksum\":\"" + hex("MD5", data) + "\"")
                .contains("\"os_hash_algo\":\"sha512\"").contains("\"os_hash_value\":\"" + hex("SHA-512", data) + "\"");

        HttpResponse<byte[]> full = http.send(request(hostB, "/v2/images/" + id + "/file").build(), BodyHandlers.ofByteArray());
        assertThat(full.statusCode()).isEqualTo(200);
        assertThat(full.body()).isEqualTo(data);
        assertThat(full.headers().firstValue("Content-MD5")).contains(hex("MD5", data));

        HttpResponse<byte[]> tail = http.send(request(hostB, "/v2/images/" + id + "/file")
                .header("Range", "bytes=1000-").build(), BodyHandlers.ofByteArray());
        assertThat(tail.statusCode()).isEqualTo(206);
        assertThat(tail.headers().firstValue("Content-Range")).contains("bytes 1000-" + (IMAGE_BYTES - 1) + "/" + IMAGE_BYTES);
        assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(data, 1000, IMAGE_BYTES));

        HttpResponse<Void> head = http.send(request(hostA, "/v2/images/" + id + "/file")
                .method("HEAD", BodyPublishers.noBody()).build(), BodyHandlers.discarding());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Content-MD5")).contains(hex("MD5", data));

        HttpResponse<String> beyond = http.send(request(hostA, "/v2/images/" + id + "/file")
                .header("Range", "bytes=" + IMAGE_BYTES + "-").build(), BodyHandlers.ofString());
        assertThat(beyond.statusCode()).isEqualTo(416);
    }

    @Test
    void patchStageImportAndDelete() throws Exception {
        String id = UUID.randomUUID().toString();
        createImage(hostA, id);
        HttpResponse<String> patched = http.send(request(hostB, "/v2/images/" + id)
                .header("Content-Type", "application/openstack-images-v2.1-json-patch")
                .method("PATCH", BodyPublishers.ofString("[{\"op\":\"replace\",\"path\":\"/name\",\"value\":\"renamed\"}]")).build(),
                BodyHandlers.ofString());
        assertThat(patched.statusCode()).isEqualTo(200);
        assertThat(patched.body()).contains("\"name\":\"renamed\"");

        byte[] data = randomBytes(100_000);
        assertThat(http.send(request(hostA, "/v2/images/" + id + "/stage").header("Content-Type", "application/octet-stream")
                .PUT(BodyPublishers.ofByteArray(data)).build(), BodyHandlers.ofString()).statusCode()).isEqualTo(204);
        assertThat(http.send(request(hostB, "/v2/images/" + id + "/import").header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString("{\"method\":{\"name\":\"glance-direct\"}}")).build(), BodyHandlers.ofString())
                .statusCode()).isEqualTo(202);
        assertThat(send(hostA, "GET", "/v2/images/" + id).body()).contains("\"status\":\"active\"")
                .contains("\"os_hash_value\":\"" + hex("SHA-512", data) + "\"");

        assertThat(send(hostB, "DELETE", "/v2/images/" + id).statusCode()).isEqualTo(204);
        assertThat(send(hostA, "GET", "/v2/images/" + id).statusCode()).isEqualTo(404);
    }

    @Test
    void faultsBreakADownloadMidStreamAnswer503AndKillRefusesConnections() throws Exception {
        String id = uploadedImage(hostA, randomBytes(IMAGE_BYTES));
        hostA.faults().breakDownload(1, 100_000);
        HttpResponse<InputStream> broken = http.send(request(hostA, "/v2/images/" + id + "/file").build(), BodyHandlers.ofInputStream());
        assertThat(broken.statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> {
            try (InputStream body = broken.body()) {
                body.readAllBytes();
            }
        }).isInstanceOf(IOException.class);
        assertThat(http.send(request(hostA, "/v2/images/" + id + "/file").build(), BodyHandlers.ofByteArray()).body())
                .hasSize(IMAGE_BYTES);

        hostA.faults().stallDownload(1, 100_000, Duration.ofMillis(600));
        long started = System.nanoTime();
        assertThat(http.send(request(hostA, "/v2/images/" + id + "/file").build(), BodyHandlers.ofByteArray()).body())
                .as("a stalled download goes on after the pause").hasSize(IMAGE_BYTES);
        assertThat(System.nanoTime() - started).isGreaterThanOrEqualTo(600_000_000L);

        hostB.faults().answerUnavailable(1);
        assertThat(send(hostB, "GET", "/v2/images/" + id).statusCode()).isEqualTo(503);
        assertThat(send(hostB, "GET", "/v2/images/" + id).statusCode()).isEqualTo(200);

        String lostId = UUID.randomUUID().toString();
        hostB.faults().loseCreateAnswers(1);
        assertThatThrownBy(() -> createImage(hostB, lostId)).isInstanceOf(IOException.class);
        assertThat(send(hostA, "GET", "/v2/images/" + lostId).statusCode()).as("created although unanswered").isEqualTo(200);

        hostB.kill();
        assertThatThrownBy(() -> send(hostB, "GET", "/v2/images/" + id)).isInstanceOf(ConnectException.class);
    }

    @Test
    void malformedRequestsAreRefused() throws Exception {
        assertThat(send(hostA, "GET", "/v2/images/not-a-uuid").statusCode()).isEqualTo(404);
        assertThat(send(hostA, "GET", "/v2/images/%2e%2e/x").statusCode()).isEqualTo(400);
        assertThat(http.send(request(hostA, "/v2/images").header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString("{\"id\":\"nope\"}")).build(), BodyHandlers.ofString()).statusCode()).isEqualTo(400);
        assertThat(http.send(request(hostA, "/v2/images").header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString("{not json")).build(), BodyHandlers.ofString()).statusCode()).isEqualTo(400);
    }

    private String uploadedImage(GlanceSimulator host, byte[] data) throws Exception {
        String id = UUID.randomUUID().toString();
        createImage(host, id);
        http.send(request(host, "/v2/images/" + id + "/file").header("Content-Type", "application/octet-stream")
                .PUT(BodyPublishers.ofByteArray(data)).build(), BodyHandlers.discarding());
        return id;
    }

    private HttpResponse<String> createImage(GlanceSimulator host, String id) throws Exception {
        return http.send(request(host, "/v2/images").header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString("{\"id\":\"" + id + "\",\"name\":\"cirros\",\"disk_format\":\"qcow2\",\"container_format\":\"bare\"}"))
                .build(), BodyHandlers.ofString());
    }

    private HttpResponse<String> send(GlanceSimulator host, String method, String path) throws Exception {
        return http.send(request(host, path).method(method, BodyPublishers.noBody()).build(), BodyHandlers.ofString());
    }

    private static HttpRequest.Builder request(GlanceSimulator host, String path) {
        return HttpRequest.newBuilder(URI.create(host.baseUri() + path))
                .header("X-Auth-Token", "secret-token")
                .header("X-Identity-Status", "Confirmed")
                .header("X-Roles", "admin")
                .header("X-Project-Id", "0123456789abcdef0123456789abcdef");
    }

    static byte[] randomBytes(int size) {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        return data;
    }

    static String hex(String algorithm, byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
    }
}
