package io.imagelib.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.imagelib.avro.HostHealth;
import io.imagelib.avro.HostRole;
import io.imagelib.schemas.serde.ConfluentAvroDeserializer;
import io.imagelib.schemas.serde.ConfluentAvroSerializer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The REST client against a small server speaking the Confluent v7 API as Confluent documents it. */
class RestSchemaRegistryTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpServer server;
    private final Map<Integer, String> schemas = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger nextId = new AtomicInteger(40);
    private volatile boolean refuseRegistration;
    private volatile Integer registeredByARacingClient;
    private RestSchemaRegistry client;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
        client = new RestSchemaRegistry("http://127.0.0.1:" + server.getAddress().getPort() + "/apis/ccompat/v7/",
                Duration.ofSeconds(2));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void registersUnderTheSubjectWithTheConfluentRequestShape() {
        int id = client.register("imagelib.host-health-value", HostHealth.getClassSchema());

        assertThat(id).isEqualTo(41);
        assertThat(requests).containsExactly("POST /apis/ccompat/v7/subjects/imagelib.host-health-value/versions "
                + "application/vnd.schemaregistry.v1+json AVRO");
    }

    @Test
    void idsAndSchemasAreCachedSoARunningServiceSurvivesARegistryOutage() {
        var serializer = new ConfluentAvroSerializer<HostHealth>(client);
        var deserializer = new ConfluentAvroDeserializer<>(client, HostHealth.class);
        var health = io.imagelib.schemas.serde.WireFormatTestData.health();
        byte[] first = serializer.serialize("imagelib.host-health", health);
        assertThat(deserializer.deserialize("imagelib.host-health", first)).isEqualTo(health);
        int calls = requests.size();

        server.stop(0);

        byte[] again = serializer.serialize("imagelib.host-health", health);
        assertThat(deserializer.deserialize("imagelib.host-health", again)).isEqualTo(health);
        assertThat(requests).hasSize(calls);
    }

    @Test
    void fetchesUnknownSchemasById() {
        schemas.put(7, HostRole.getClassSchema().toString());
        assertThat(client.getSchemaById(7)).isEqualTo(HostRole.getClassSchema());
    }

    @Test
    void aRefusalNamesTheRegistryTheStatusAndItsMessage() {
        refuseRegistration = true;
        assertThatThrownBy(() -> client.register("imagelib.host-health-value", HostHealth.getClassSchema()))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("answered 409")
                .hasMessageContaining("incompatible");
    }

    @Test
    void aRegistrationThatLostARaceGetsTheIdTheWinnerRegistered() {
        refuseRegistration = true;
        registeredByARacingClient = 17;

        assertThat(client.register("imagelib.host-health-value", HostHealth.getClassSchema())).isEqualTo(17);
        assertThat(requests).last().isEqualTo("POST /apis/ccompat/v7/subjects/imagelib.host-health-value AVRO");
    }

    @Test
    void anUnreachableRegistryIsReportedAsSuch() {
        server.stop(0);
        assertThatThrownBy(() -> client.getSchemaById(1))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("unreachable")
                .extracting(e -> ((SchemaRegistryException) e).httpStatus()).isEqualTo(0);
    }

    @Test
    void compatibilityCheckReadsIsCompatible() {
        assertThat(client.testCompatibility("imagelib.host-health-value", HostHealth.getClassSchema())).isTrue();
        assertThat(client.getAllSubjects()).containsExactly("imagelib.host-health-value");
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String method = exchange.getRequestMethod();
        if (path.endsWith("/versions") && method.equals("POST")) {
            JsonNode request = JSON.readTree(body);
            requests.add(method + " " + path + " " + exchange.getRequestHeaders().getFirst("Content-Type") + " "
                    + request.path("schemaType").asText());
            if (refuseRegistration) {
                reply(exchange, 409, "{\"error_code\":409,\"message\":\"Schema being registered is incompatible\"}");
                return;
            }
            int id = nextId.incrementAndGet();
            schemas.put(id, request.path("schema").asText());
            reply(exchange, 200, "{\"id\":" + id + "}");
        } else if (path.contains("/subjects/") && method.equals("POST") && registeredByARacingClient != null) {
            requests.add(method + " " + path + " " + JSON.readTree(body).path("schemaType").asText());
            reply(exchange, 200, "{\"id\":" + registeredByARacingClient + ",\"version\":1}");
        } else if (path.contains("/schemas/ids/")) {
            requests.add(method + " " + path);
            String schema = schemas.get(Integer.parseInt(path.substring(path.lastIndexOf('/') + 1)));
            if (schema == null) {
                reply(exchange, 404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");
            } else {
                reply(exchange, 200, JSON.writeValueAsString(Map.of("schema", schema)));
            }
        } else if (path.contains("/compatibility/")) {
            reply(exchange, 200, "{\"is_compatible\":true}");
        } else if (path.endsWith("/subjects")) {
            reply(exchange, 200, "[\"imagelib.host-health-value\"]");
        } else {
            reply(exchange, 404, "{}");
        }
    }

    private static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
