package io.imagelib.role;

import static io.imagelib.role.RoleRequests.block;
import static io.imagelib.role.RoleRequests.body;
import static io.imagelib.role.RoleRequests.nfs;
import static io.imagelib.role.RoleRequests.rolePath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.imagelib.avro.HostRole;
import io.imagelib.schemas.topics.Topics;
import io.imagelib.testing.KafkaTestBroker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The whole service over real HTTP against a real KRaft broker: state rebuilt from the topic after a restart,
 * idempotent repeats, tombstones, concurrent requests racing for one rule, and bad bodies that publish nothing.
 * Each test works in its own region so they do not depend on each other's order.
 */
class RoleServiceIT {

    @RegisterExtension
    static KafkaTestBroker kafka = new KafkaTestBroker();

    static final LocalGlance GLANCE = new LocalGlance();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static ConfigurableApplicationContext app;
    static String base;

    @BeforeAll
    static void startService() {
        start();
    }

    @AfterAll
    static void stopService() {
        app.close();
        GLANCE.close();
    }

    static void start() {
        // command-line arguments, because SpringApplicationBuilder.properties() ranks below application.yml
        app = new SpringApplicationBuilder(RoleServiceApplication.class).run(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--imagelib.kafka.schema-registry-url=" + KafkaTestBroker.REGISTRY_URL,
                "--imagelib.kafka.instance-id=role-it",
                "--imagelib.security.tokens[0].token=it-admin-token",
                "--imagelib.security.tokens[0].principal=it-admin",
                "--imagelib.security.tokens[0].roles[0]=admin");
        base = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/actuator/health/readiness").statusCode() == 200);
        // the only replica takes the writer lease once it joined the group and initialised its transactions
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/actuator/prometheus").body().contains("imagelib_role_writer_lease 1.0"));
    }

    @Test
    void threeHostsSurviveARestartWithTheirAssignedAt() throws Exception {
        for (String host : List.of("sjc-1", "sjc-2", "sjc-3")) {
            HttpResponse<String> created = assign("SJC", host, GLANCE.url(), nfs("/var/opt/imagelibrary/data", "nfs-sjc"), "");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            assertThat(created.headers().firstValue("Location")).contains("/v1/regions/SJC/hosts/" + host);
        }
        assertThat(GLANCE.requestedPaths()).contains("/healthcheck");
        String before = get("/v1/regions/SJC/hosts").body();
        assertThat(before).contains("sjc-1", "sjc-2", "sjc-3", "assignedAt");

        app.close();
        start();

        assertThat(get("/actuator/health/readiness").body()).contains("\"stateReaders\":{\"status\":\"UP\"");
        HttpResponse<String> after = get("/v1/regions/SJC/hosts");
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(after.body()).isEqualTo(before);
    }

    @Test
    void theSameAssignmentTwicePublishesNothingAndAChangePublishesAnUpdate() throws Exception {
        assertThat(assign("LAX", "lax-1", GLANCE.url(), block("gold"), "?probe=false").statusCode()).isEqualTo(201);
        HttpResponse<String> repeat = assign("LAX", "lax-1", GLANCE.url(), block("gold"), "?probe=false");
        assertThat(repeat.statusCode()).isEqualTo(200);
        assertThat(recordsFor(r -> r.key().equals("lax-1"))).hasSize(1);

        HttpResponse<String> moved = assign("LAX", "lax-1", "http://127.0.0.1:9393", block("gold"), "?probe=false");
        assertThat(moved.statusCode()).isEqualTo(200);
        List<ConsumerRecord<String, HostRole>> records = recordsFor(r -> r.key().equals("lax-1"));
        assertThat(records).hasSize(2);
        assertThat(records.get(1).value().getPublicUrl()).isEqualTo("http://127.0.0.1:9393");
        assertThat(records.get(1).value().getAssignedAt()).isEqualTo(records.get(0).value().getAssignedAt());
    }

    @Test
    void removalPublishesATombstone() throws Exception {
        assertThat(assign("FRA", "fra-1", GLANCE.url(), block("gold"), "?probe=false").statusCode()).isEqualTo(201);

        assertThat(send("DELETE", rolePath("FRA", "fra-1"), null, true).statusCode()).isEqualTo(204);

        List<ConsumerRecord<String, HostRole>> records = recordsFor(r -> r.key().equals("fra-1"));
        assertThat(records).hasSize(2);
        assertThat(records.get(1).value()).isNull();
        assertThat(get("/v1/regions/FRA/hosts/fra-1").statusCode()).isEqualTo(404);
    }

    @Test
    void twentyLocalHostsRacingForAnEmptyRegionLetExactlyOneIn() throws Exception {
        List<HttpResponse<String>> answers = race(20, i -> assign("RACE-LOCAL", "local-" + i, GLANCE.url(), "{\"type\":\"LOCAL\"}", "?probe=false"));

        assertThat(answers).filteredOn(r -> r.statusCode() == 201).hasSize(1);
        assertThat(answers).filteredOn(r -> r.statusCode() == 409).hasSize(19)
                .allSatisfy(r -> assertThat(r.body()).contains("local-storage-multi-host"));
        assertThat(recordsFor(r -> r.value() != null && r.value().getRegion().equals("RACE-LOCAL"))).hasSize(1);
    }

    @Test
    void nfsHostsRacingWithDifferentSharesLetExactlyOneShareIn() throws Exception {
        List<HttpResponse<String>> answers = race(20, i -> assign("RACE-NFS", "nfs-" + i, GLANCE.url(),
                nfs("/var/opt/imagelibrary/data", "share-" + i), "?probe=false"));

        assertThat(answers).filteredOn(r -> r.statusCode() == 201).hasSize(1);
        assertThat(answers).filteredOn(r -> r.statusCode() == 409).hasSize(19)
                .allSatisfy(r -> assertThat(r.body()).contains("nfs-storage-id-mismatch"));
        assertThat(recordsFor(r -> r.value() != null && r.value().getRegion().equals("RACE-NFS"))).hasSize(1);
    }

    @Test
    void oneHostRacingIntoTenRegionsLandsInExactlyOne() throws Exception {
        List<HttpResponse<String>> answers = race(10, i -> assign("RACE-X" + i, "roaming-1", GLANCE.url(), block("gold"), "?probe=false"));

        assertThat(answers).filteredOn(r -> r.statusCode() == 201).hasSize(1);
        assertThat(answers).filteredOn(r -> r.statusCode() == 409).hasSize(9)
                .allSatisfy(r -> assertThat(r.body()).contains("cross-region"));
        assertThat(recordsFor(r -> r.key().equals("roaming-1"))).hasSize(1);
    }

    @Test
    void badBodiesGetProblemJsonAndPublishNothing() throws Exception {
        int before = recordsFor(r -> true).size();
        String url = GLANCE.url();
        List<String> bodies = List.of(
                "{\"publicUrl\": ",
                "{\"publicUrl\":\"" + url + "\",\"storage\":{\"type\":\"CEPHFS\"}}",
                "{\"storage\":{\"type\":\"LOCAL\"}}",
                "{\"publicUrl\":\"" + url + "\"}",
                "{\"publicUrl\":\"" + url + "\",\"storage\":[1,2]}",
                "{\"publicUrl\":\"" + url + "\",\"storage\":{\"type\":\"NFS\",\"mountPath\":\"/d\"}}",
                "{\"publicUrl\":\"" + url + "\",\"pad\":\"" + "x".repeat(70_000) + "\",\"storage\":{\"type\":\"LOCAL\"}}");

        for (String body : bodies) {
            HttpResponse<String> answer = send("PUT", rolePath("BAD", "bad-1"), body, true);
            assertThat(answer.statusCode()).as(answer.body()).isBetween(400, 499);
            assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(answer.body()).contains("https://imagelib.io/problems/");
        }

        // the same huge body without Content-Length (chunked) must not slip past the limit
        HttpResponse<String> chunked = HTTP.send(HttpRequest.newBuilder(URI.create(base + rolePath("BAD", "bad-1")))
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
                        bodies.getLast().getBytes(java.nio.charset.StandardCharsets.UTF_8))))
                .header("Content-Type", "application/json").header("Authorization", "Bearer it-admin-token").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(chunked.statusCode()).as(chunked.body()).isBetween(400, 499);
        assertThat(chunked.body()).contains("exceeds 65536 bytes");

        assertThat(recordsFor(r -> true)).hasSize(before);
    }

    @Test
    void decisionsAreCountedAndTheApiIsDocumented() throws Exception {
        assign("DOC", "doc-1", GLANCE.url(), block("gold"), "?probe=false");
        assign("DOC", "doc-2", GLANCE.url(), block("silver"), "?probe=false");

        assertThat(get("/actuator/prometheus").body())
                .contains("imagelib_role_decisions_total{outcome=\"created\",region=\"DOC\",rule=\"none\"} 1.0")
                .contains("imagelib_role_decisions_total{outcome=\"refused\",region=\"DOC\",rule=\"block-volume-type-mismatch\"} 1.0");
        assertThat(get("/v3/api-docs").body()).contains("/v1/regions/{region}/hosts/{hostId}/roles/image-library");
        assertThat(get("/swagger-ui/index.html").statusCode()).isEqualTo(200);
    }

    static List<HttpResponse<String>> race(int contenders, IntFunctionThrowing request) throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(contenders)) {
            List<Future<HttpResponse<String>>> futures = new ArrayList<>();
            IntStream.range(0, contenders).forEach(i -> futures.add(pool.submit((Callable<HttpResponse<String>>) () -> {
                gate.await();
                return request.apply(i);
            })));
            gate.countDown();
            List<HttpResponse<String>> answers = new ArrayList<>();
            for (Future<HttpResponse<String>> f : futures) {
                answers.add(f.get());
            }
            return answers;
        }
    }

    @FunctionalInterface
    interface IntFunctionThrowing {
        HttpResponse<String> apply(int i) throws Exception;
    }

    static List<ConsumerRecord<String, HostRole>> recordsFor(Predicate<ConsumerRecord<String, HostRole>> match) {
        return kafka.typed().readAll(Topics.HOST_ROLES).stream().filter(match).toList();
    }

    static HttpResponse<String> assign(String region, String host, String publicUrl, String storage, String query) throws Exception {
        return send("PUT", rolePath(region, host) + query, body(publicUrl, storage), true);
    }

    static HttpResponse<String> get(String path) throws Exception {
        return send("GET", path, null, false);
    }

    static HttpResponse<String> send(String method, String path, String body, boolean admin) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (admin) {
            request.header("Authorization", "Bearer it-admin-token");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
