package io.imagelib.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import io.imagelib.schemas.registry.RestSchemaRegistry;
import io.imagelib.schemas.serde.AvroWireFormat;
import io.imagelib.schemas.topics.Topics;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The bad-input tour: malformed JSON, oversized bodies, unknown enum values, invalid and internal URLs, path
 * traversal in ids, crafted Host/forwarding headers and poison Kafka records, sent to every service of a running
 * stack (real jars, real broker, real registry). Every HTTP answer must be a 4xx application/problem+json naming the
 * problem, every undecodable record must land on its topic's DLT parked by each service that reads the topic (a record
 * of an unknown schema id is held until the registry knows it, then judged), nothing may
 * be published for a refused request, no request may reach an address that is not a registered host, and every
 * service must still run and work at the end. The tour's table is written to target/bad-input-tour.md.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputTourIT {

    static final Path PROJECT_ROOT = Path.of(System.getProperty("imagelib.project.root", "..")).toAbsolutePath().normalize();
    static final String REGION = Scenarios.REGION;
    /** Refused requests name this region; a mistaken acceptance would show up in its host list. */
    static final String TOUR_REGION = "tour";
    static final String BEARER = "Authorization: Bearer " + ServiceStack.ADMIN_TOKEN + "\r\n";
    static final String JSON = "Content-Type: application/json\r\n";
    static final Duration WAIT = Duration.ofSeconds(60);
    /** Startup only (the election's Streams group forms after readiness); generous for a loaded machine. */
    static final Duration STARTUP = Duration.ofSeconds(240);

    /** Which services read each topic, so each must park a poison record from it on the topic's DLT. */
    static final Map<String, Set<String>> READERS = Map.of(
            Topics.HOST_ROLES_NAME, Set.of("role-service", "host-monitor-service", "endpoint-service", "image-router-service"),
            Topics.HOST_HEALTH_NAME, Set.of("endpoint-service", "image-router-service"),
            Topics.HOST_OBSERVATIONS_NAME, Set.of("host-monitor-service"),
            Topics.ENDPOINT_COMMANDS_NAME, Set.of("endpoint-service"),
            Topics.ENDPOINT_COMMAND_RESULTS_NAME, Set.of("endpoint-service"),
            Topics.ADMIN_ENDPOINT_NAME, Set.of("endpoint-service", "image-router-service"),
            Topics.REGION_ENDPOINTS_NAME, Set.of("endpoint-service"));
    /**
     * Topics given a record of an unknown schema id, and their readers: a Spring listener (the monitor) and the state
     * readers and Streams app that read host-health.
     */
    static final Map<String, Set<String>> HELD_READERS = Map.of(
            Topics.HOST_OBSERVATIONS_NAME, READERS.get(Topics.HOST_OBSERVATIONS_NAME),
            Topics.HOST_HEALTH_NAME, READERS.get(Topics.HOST_HEALTH_NAME));

    static ServiceStack stack;
    static HttpServer glanceHost;
    /** A server at an address no role names: any request it gets is a request forged by a client. */
    static HttpServer internal;
    static final AtomicInteger internalRequests = new AtomicInteger();
    static String adminEndpointId;
    static String publicEndpointId;
    static final List<String> report = new ArrayList<>();

    @BeforeAll
    static void startTheStackWithOneRegisteredHost() throws Exception {
        List<String> missing = ServiceStack.missingJars(PROJECT_ROOT);
        assumeTrue(missing.isEmpty(), () -> "Service jars not built: " + missing);
        stack = ServiceStack.start(PROJECT_ROOT, Path.of("target/system/bad-input-tour").toAbsolutePath());
        glanceHost = server(exchange -> {
            String path = exchange.getRequestURI().getPath();
            // Like Glance: the version document's links name the host as the Host header addressed it.
            String answer = path.startsWith("/v2/") ? "{\"images\":[]}" : path.equals("/versions")
                    ? "{\"versions\":[{\"id\":\"v2.15\",\"status\":\"CURRENT\",\"links\":[{\"rel\":\"self\",\"href\":\"http://"
                            + exchange.getRequestHeaders().getFirst("Host") + "/v2/\"}]}]}"
                    : "OK";
            byte[] body = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        internal = server(exchange -> {
            internalRequests.incrementAndGet();
            exchange.sendResponseHeaders(418, -1);
            exchange.close();
        });
        RawHttp.Response assigned = send("role-service", "PUT", rolePath(REGION, "tour-host"), BEARER + JSON,
                roleBody(glanceUrl(), "LOCAL"));
        assertThat(assigned.status()).as(assigned.body()).isEqualTo(201);
        Scenarios.awaitRouterCount(stack, 1, STARTUP);
        adminEndpointId = awaitEndpointId("admin");
        publicEndpointId = awaitEndpointId("public");
    }

    @AfterAll
    static void stopAndWriteTheTable() throws IOException {
        if (stack != null) {
            stack.close();
        }
        for (HttpServer server : new HttpServer[] {glanceHost, internal}) {
            if (server != null) {
                server.stop(0);
            }
        }
        if (!report.isEmpty()) {
            Files.createDirectories(Path.of("target"));
            Files.writeString(Path.of("target/bad-input-tour.md"), "| service | input | status | problem type |\n"
                    + "|---|---|---|---|\n" + String.join("\n", report) + "\n");
        }
    }

    @Test
    @Order(1)
    void roleServiceAnswersEveryBadRequestWithAProblemAndPublishesNothing() {
        String path = rolePath(TOUR_REGION, "h1");
        String valid = roleBody(glanceUrl(), "LOCAL");
        expectProblem("role-service", "malformed JSON", "PUT", path, BEARER + JSON, "{\"publicUrl\": ", 400, "");
        expectProblem("role-service", "a JSON array for an object", "PUT", path, BEARER + JSON, "[]", 400, "");
        expectProblem("role-service", "100 KB body (limit 64 KB)", "PUT", path, BEARER + JSON,
                valid.replace("}}", "},\"pad\":\"" + "x".repeat(100_000) + "\"}"), 413, "");
        expectProblem("role-service", "unknown enum storage.type TAPE", "PUT", path, BEARER + JSON,
                roleBody(glanceUrl(), "TAPE"), 400, "TAPE");
        expectProblem("role-service", "missing storage", "PUT", path, BEARER + JSON,
                "{\"publicUrl\":\"" + glanceUrl() + "\"}", 400, "storage");
        expectProblem("role-service", "file: URL", "PUT", path, BEARER + JSON, roleBody("file:///etc/passwd", "LOCAL"),
                400, "http or https");
        expectProblem("role-service", "cloud metadata URL", "PUT", path, BEARER + JSON,
                roleBody("http://169.254.169.254:80", "LOCAL"), 400, "link-local");
        RawHttp.Response secret = expectProblem("role-service", "credentials in the URL", "PUT", path, BEARER + JSON,
                roleBody("http://glance:s3cret@127.0.0.1:9292", "LOCAL"), 400, "user info");
        assertThat(secret.body()).doesNotContain("s3cret");
        expectProblem("role-service", "encoded traversal in hostId", "PUT", rolePath(TOUR_REGION, "..%2F..%2Fetc%2Fpasswd"),
                BEARER + JSON, valid, 400, "");
        expectProblem("role-service", "raw ../ in the path", "PUT", "/v1/regions/" + TOUR_REGION + "/hosts/../../../etc/roles/image-library",
                BEARER + JSON, valid, 400, "'..'");
        expectProblem("role-service", "65-character hostId", "PUT", rolePath(TOUR_REGION, "h".repeat(65)), BEARER + JSON,
                valid, 400, "");
        expectProblem("role-service", "NUL in region", "PUT", rolePath("tour%00", "h1"), BEARER + JSON, valid, 400, "");
        expectProblem("role-service", "text/plain body", "PUT", path, BEARER + "Content-Type: text/plain\r\n", valid, 415, "");
        expectProblem("role-service", "no bearer token", "PUT", path, JSON, valid, 401, "");
        expectProblem("role-service", "wrong bearer token", "PUT", path, "Authorization: Bearer guess\r\n" + JSON, valid, 401, "");
        expectProblem("role-service", "POST on the role", "POST", path, BEARER + JSON, valid, 405, "");
        expectProblem("role-service", "script in X-Request-Id", "PUT", path, BEARER + JSON + "X-Request-Id: <script>\r\n",
                valid, 400, "");

        RawHttp.Response hosts = send("role-service", "GET", "/v1/regions/" + TOUR_REGION + "/hosts", "", (byte[]) null);
        assertThat(hosts.body()).as("nothing was assigned in region %s", TOUR_REGION).contains("\"hosts\":[]");
    }

    @Test
    @Order(2)
    void endpointServiceAnswersEveryBadRequestWithAProblemAndMovesNoAdmin() {
        String admin = "/v1/endpoints/" + adminEndpointId;
        expectProblem("endpoint-service", "unknown enum interface=bogus", "GET", "/v1/endpoints?interface=bogus", "", null,
                400, "bogus");
        expectProblem("endpoint-service", "unknown endpoint id", "PATCH", "/v1/endpoints/0123456789abcdef", BEARER + JSON,
                "{\"url\":\"" + glanceUrl() + "\"}", 404, "");
        expectProblem("endpoint-service", "encoded traversal in id", "PATCH", "/v1/endpoints/..%2F..%2Fetc", BEARER + JSON,
                "{\"url\":\"" + glanceUrl() + "\"}", 400, "");
        expectProblem("endpoint-service", "malformed JSON", "PATCH", admin, BEARER + JSON, "{\"url\":", 400, "");
        expectProblem("endpoint-service", "100 KB body (limit 64 KB)", "PATCH", admin, BEARER + JSON,
                "{\"url\":\"" + "x".repeat(100_000) + "\"}", 413, "");
        expectProblem("endpoint-service", "no bearer token", "PATCH", admin, JSON, "{\"url\":\"" + glanceUrl() + "\"}", 401, "");
        expectProblem("endpoint-service", "missing url", "PATCH", admin, BEARER + JSON, "{}", 422, "url");
        expectProblem("endpoint-service", "cloud metadata URL as admin", "PATCH", admin, BEARER + JSON,
                "{\"url\":\"https://169.254.169.254:9494\"}", 422, "169.254.169.254");
        expectProblem("endpoint-service", "an unregistered host's URL as admin", "PATCH", admin, BEARER + JSON,
                "{\"url\":\"" + internalUrl() + "\"}", 422, "Registered admin URLs");
        expectProblem("endpoint-service", "not a URL", "PATCH", admin, BEARER + JSON, "{\"url\":\"not a url\"}", 422, "");
        expectProblem("endpoint-service", "PATCH of a public endpoint", "PATCH", "/v1/endpoints/" + publicEndpointId,
                BEARER + JSON, "{\"url\":\"" + glanceUrl() + "\"}", 422, "public");

        RawHttp.Response admins = send("endpoint-service", "GET", "/v1/endpoints?interface=admin&region=" + REGION, "", (byte[]) null);
        assertThat(admins.body()).as("the admin did not move").contains("\"url\":\"https://127.0.0.1:9494\"")
                .doesNotContain("169.254").doesNotContain(internalUrl());
        assertThat(internalRequests).as("requests that reached the unregistered address").hasValue(0);
    }

    @Test
    @Order(3)
    void theRouterRefusesTraversalAndNeverConnectsAnywhereButARegisteredHost() {
        expectProblem("image-router-service", "encoded traversal in image id", "GET", "/v2/images/..%2F..%2Fetc/file", "",
                null, 400, "");
        expectProblem("image-router-service", "raw ../ in the path", "GET", "/v2/images/../../../etc/passwd", "", null, 400, "");
        expectProblem("image-router-service", "NUL in image id", "GET", "/v2/images/%00/file", "", null, 400, "");
        expectProblem("image-router-service", "traversal in the region header", "GET", "/v2/images",
                "X-Imagelib-Region: ../x\r\n", null, 400, "");
        expectProblem("image-router-service", "2 MB image-create body (limit 1 MB)", "POST", "/v2/images", JSON,
                "{\"name\":\"" + "x".repeat(2_000_000) + "\"}", 413, "");

        for (var forged : Map.of(
                "Host header naming another address", new String[] {"/v2/images", "Host: " + internalAuthority() + "\r\n"},
                "X-Forwarded-Host naming another address", new String[] {"/v2/images", "X-Forwarded-Host: " + internalAuthority()
                        + "\r\nX-Forwarded-Proto: http\r\n"},
                "absolute-form target at another address", new String[] {internalUrl() + "/v2/images",
                        "Host: " + internalAuthority() + "\r\n"}).entrySet()) {
            RawHttp.Response response = send("image-router-service", "GET", forged.getValue()[0], forged.getValue()[1],
                    (byte[]) null);
            report("image-router-service", forged.getKey(), response);
            assertThat(response.status()).as("%s: answered by the registered host, body %s", forged.getKey(), response.body())
                    .isEqualTo(200);
            assertThat(response.body()).isEqualTo("{\"images\":[]}");
        }
        // Version discovery: the links a client follows next must name the router, whatever Host it was sent.
        for (var forged : Map.of(
                "version document (GET /), Host header naming another address", "Host: " + internalAuthority() + "\r\n",
                "version document (GET /), X-Forwarded-Host/-Proto naming another address", "X-Forwarded-Host: "
                        + internalAuthority() + "\r\nX-Forwarded-Proto: https\r\n").entrySet()) {
            RawHttp.Response response = send("image-router-service", "GET", "/", forged.getValue(), (byte[]) null);
            report("image-router-service", forged.getKey(), response);
            assertThat(response.status()).as("%s: %s", forged.getKey(), response.body()).isEqualTo(300);
            assertThat(response.body()).as(forged.getKey()).contains("\"href\":\"" + stack.url("image-router-service") + "/v2/\"")
                    .doesNotContain(internalAuthority()).doesNotContain(glanceUrl()).doesNotContain("https:");
        }
        assertThat(internalRequests).as("requests that reached the unregistered address").hasValue(0);
    }

    @Test
    @Order(4)
    void everyReaderOfATopicParksUndecodableBytesOnTheTopicsDeadLetterTopic() {
        RawRecords raw = new RawRecords(stack.bootstrapServers());
        Map<String, Integer> ids = registeredIds();
        for (String topic : READERS.keySet()) {
            // Not Confluent-framed at all, and framed with the topic's own schema id but cut before its first field.
            raw.produce(topic, "tour-poison-not-avro", "not avro".getBytes(StandardCharsets.UTF_8));
            raw.produce(topic, "tour-poison-truncated", framed(ids.get(topic + "-value")));
        }
        for (var entry : READERS.entrySet()) {
            String dlt = entry.getKey() + "-dlt";
            Set<String> expected = entry.getValue().stream()
                    .flatMap(service -> Set.of(service + "|tour-poison-not-avro", service + "|tour-poison-truncated").stream())
                    .collect(Collectors.toSet());
            List<RawRecords.Raw> parked = raw.readUntil(dlt, read -> parkers(read).containsAll(expected), WAIT);
            assertThat(parkers(parked)).as("(service|key) pairs parked on %s", dlt).containsAll(expected);
            report.add("| " + String.join(", ", entry.getValue()) + " | poison records on " + entry.getKey()
                    + " (not Avro; truncated) | parked on " + dlt + " | header imagelib_dlt_parked_by |");
        }
    }

    /**
     * A record naming a schema id the registry does not know is healthy as far as anyone can tell (the registry lost
     * it), so its readers hold it, report not ready and park nothing; once the registry knows the id they judge it.
     * The ids used are the next ones the registry hands out, so registering a schema of each topic's type (as
     * restoring a lost schema would) makes them known: then the records, cut before their first field, are
     * undecodable and parked, and the readers read on.
     */
    @Test
    @Order(5)
    void aRecordNamingAnUnknownSchemaIdIsHeldUntilTheRegistryKnowsItThenJudged() {
        RawRecords raw = new RawRecords(stack.bootstrapServers());
        int nextId = registeredIds().values().stream().mapToInt(Integer::intValue).max().orElseThrow() + 1;
        Map<String, Integer> heldIds = new LinkedHashMap<>();
        for (String topic : HELD_READERS.keySet()) {
            heldIds.put(topic, nextId + heldIds.size());
            raw.produce(topic, "tour-held-unknown-schema", framed(heldIds.get(topic)));
        }
        Set<String> holders = HELD_READERS.values().stream().flatMap(Set::stream).collect(Collectors.toSet());
        for (String service : holders) {
            assertThat(awaitReadiness(service, 503)).as("%s readiness while it holds a record of an unknown schema id", service)
                    .isEqualTo(503);
        }
        for (String topic : HELD_READERS.keySet()) {
            assertThat(parkers(raw.readUntil(topic + "-dlt", read -> false, Duration.ofSeconds(2))))
                    .as("records parked on %s-dlt while the id is unknown", topic)
                    .noneMatch(pair -> pair.endsWith("|tour-held-unknown-schema"));
        }

        RestSchemaRegistry registry = new RestSchemaRegistry(stack.registryUrl());
        for (var held : heldIds.entrySet()) {
            Schema current = SpecificData.get().getSchema(Topics.byName(held.getKey()).orElseThrow().valueType());
            assertThat(registry.register(held.getKey() + "-value", sameTypeAnotherShape(current)))
                    .as("id of the new version of %s (another registration came in between?)", current.getFullName())
                    .isEqualTo(held.getValue());
        }
        for (var entry : HELD_READERS.entrySet()) {
            Set<String> expected = entry.getValue().stream().map(service -> service + "|tour-held-unknown-schema")
                    .collect(Collectors.toSet());
            String dlt = entry.getKey() + "-dlt";
            assertThat(parkers(raw.readUntil(dlt, read -> parkers(read).containsAll(expected), WAIT)))
                    .as("(service|key) pairs parked on %s once the id is known", dlt).containsAll(expected);
            report.add("| " + String.join(", ", entry.getValue()) + " | record on " + entry.getKey()
                    + " naming an unknown schema id | held, readiness 503; parked on " + dlt + " once the id is known and"
                    + " the bytes do not decode | header imagelib_dlt_parked_by |");
        }
    }

    @Test
    @Order(6)
    void afterTheTourEveryServiceRunsIsReadyAndStillWorks() throws Exception {
        for (String service : ServiceStack.SERVICES) {
            assertThat(stack.isRunning(service)).as("%s still running", service).isTrue();
            assertThat(awaitReadiness(service, 200)).as("%s ready", service).isEqualTo(200);
        }
        RawHttp.Response late = send("role-service", "PUT", rolePath(TOUR_REGION, "tour-late") + "?probe=false",
                BEARER + JSON, roleBody(glanceUrl(), "LOCAL"));
        assertThat(late.status()).as(late.body()).isEqualTo(201);
        long deadline = System.nanoTime() + WAIT.toNanos();
        String endpoints = "";
        while (System.nanoTime() < deadline && !endpoints.contains(glanceUrl())) {
            endpoints = send("endpoint-service", "GET", "/v1/endpoints?interface=public&region=" + TOUR_REGION, "",
                    (byte[]) null).body();
            GlanceHosts.sleep(Duration.ofMillis(200));
        }
        assertThat(endpoints).as("the election still follows host-roles after the poison").contains(glanceUrl());
    }

    private static RawHttp.Response expectProblem(String service, String input, String method, String target,
                                                  String headers, String body, int status, String detailMentions) {
        RawHttp.Response response = send(service, method, target, headers, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
        report(service, input, response);
        assertThat(response.status()).as("%s, %s: status; body %s", service, input, response.body()).isEqualTo(status);
        assertThat(response.header("content-type")).as("%s, %s: content type", service, input)
                .startsWith("application/problem+json");
        assertThat(response.body()).as("%s, %s: problem body", service, input)
                .contains("\"status\":" + status).contains("\"title\"").contains("\"detail\"").contains(detailMentions);
        return response;
    }

    private static void report(String service, String input, RawHttp.Response response) {
        Matcher type = Pattern.compile("\"type\"\\s*:\\s*\"([^\"]*)\"").matcher(response.body());
        report.add("| " + service + " | " + input + " | " + response.status() + " | "
                + (type.find() ? type.group(1) : "-") + " |");
    }

    private static RawHttp.Response send(String service, String method, String target, String headers, String body) {
        return send(service, method, target, headers, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    private static RawHttp.Response send(String service, String method, String target, String headers, byte[] body) {
        return RawHttp.send(stack.url(service), method, target, headers, body);
    }

    /** The registry's id of each subject (the topic catalogue's and the Streams app's). */
    private static Map<String, Integer> registeredIds() {
        return RegistrySchemas.read(stack.registryUrl()).stream()
                .collect(Collectors.toMap(RegistrySchemas.Registered::subject, RegistrySchemas.Registered::id));
    }

    /** Confluent framing (magic 0, the 4-byte id) with no Avro body: what a record cut after its header looks like. */
    private static byte[] framed(int schemaId) {
        byte[] frame = new byte[AvroWireFormat.HEADER_SIZE];
        AvroWireFormat.writeHeader(frame, schemaId);
        return frame;
    }

    /** A schema of the same record type (full name) as {@code schema}: the topic's type as the id-reuse guard sees it. */
    private static Schema sameTypeAnotherShape(Schema schema) {
        return SchemaBuilder.record(schema.getName()).namespace(schema.getNamespace()).fields()
                .requiredString("onlyInThisVersion").endRecord();
    }

    /** Polls a service's readiness until it answers {@code wanted} or {@link #WAIT} passes; the last status either way. */
    private static int awaitReadiness(String service, int wanted) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        int status = send(service, "GET", "/actuator/health/readiness", "", (byte[]) null).status();
        while (status != wanted && System.nanoTime() < deadline) {
            GlanceHosts.sleep(Duration.ofMillis(200));
            status = send(service, "GET", "/actuator/health/readiness", "", (byte[]) null).status();
        }
        return status;
    }

    private static Set<String> parkers(List<RawRecords.Raw> parked) {
        return parked.stream().filter(r -> r.headers().containsKey("imagelib_dlt_parked_by"))
                .map(r -> r.headers().get("imagelib_dlt_parked_by").split("/")[0] + "|" + r.key())
                .collect(Collectors.toSet());
    }

    private static String awaitEndpointId(String endpointInterface) {
        Pattern id = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f]+)\"");
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = id.matcher(send("endpoint-service", "GET",
                    "/v1/endpoints?interface=" + endpointInterface + "&region=" + REGION, "", (byte[]) null).body());
            if (m.find()) {
                return m.group(1);
            }
            GlanceHosts.sleep(Duration.ofMillis(200));
        }
        throw new IllegalStateException("No " + endpointInterface + " endpoint in region " + REGION + " within " + STARTUP);
    }

    private static String rolePath(String region, String hostId) {
        return "/v1/regions/" + region + "/hosts/" + hostId + "/roles/image-library";
    }

    private static String roleBody(String publicUrl, String storageType) {
        return "{\"publicUrl\":\"" + publicUrl + "\",\"storage\":{\"type\":\"" + storageType + "\"}}";
    }

    private static String glanceUrl() {
        return "http://127.0.0.1:" + glanceHost.getAddress().getPort();
    }

    private static String internalAuthority() {
        return "127.0.0.1:" + internal.getAddress().getPort();
    }

    private static String internalUrl() {
        return "http://" + internalAuthority();
    }

    private static HttpServer server(com.sun.net.httpserver.HttpHandler handler) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", handler);
        server.start();
        return server;
    }
}
