package io.imagelib.schemas.serde;

import static io.imagelib.schemas.serde.DecodeFailure.POISON;
import static io.imagelib.schemas.serde.DecodeFailure.REGISTRY_INCONSISTENT;
import static io.imagelib.schemas.serde.DecodeFailure.REGISTRY_UNAVAILABLE;
import static io.imagelib.schemas.serde.DecodeFailure.UNKNOWN_SCHEMA_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.imagelib.avro.HostHealth;
import io.imagelib.avro.HostRole;
import io.imagelib.schemas.registry.InMemorySchemaRegistry;
import io.imagelib.schemas.registry.RestSchemaRegistry;
import io.imagelib.schemas.topics.Topics;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every shape a decode failure takes, each produced the way a reader meets it: a real deserializer over a real
 * (small) registry server that answers as the case needs. Only undecodable bytes are poison.
 */
class DecodeFailureTest {

    private static final String TOPIC = Topics.HOST_HEALTH_NAME;
    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void aRefusedConnectionIsTheRegistryBeingUnavailable() throws IOException {
        int closedPort;
        try (var socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        var registry = new RestSchemaRegistry("http://127.0.0.1:" + closedPort, Duration.ofSeconds(2));
        assertThat(classifyDecoding(registry, frame(1, validBody()))).isEqualTo(REGISTRY_UNAVAILABLE);
    }

    @Test
    void aRegistryThatDoesNotAnswerInTimeIsUnavailable() throws IOException {
        var registry = registryAnswering(exchange -> {
            sleep(Duration.ofSeconds(2));
            reply(exchange, 200, "{}");
        }, Duration.ofMillis(200));
        assertThat(classifyDecoding(registry, frame(1, validBody()))).isEqualTo(REGISTRY_UNAVAILABLE);
    }

    @Test
    void http500And503AreTheRegistryBeingUnavailable() throws IOException {
        for (int status : new int[] {500, 503}) {
            var registry = registryAnswering(exchange -> reply(exchange, status, "{\"error_code\":50001}"), Duration.ofSeconds(2));
            assertThat(classifyDecoding(registry, frame(1, validBody()))).as("HTTP %d", status).isEqualTo(REGISTRY_UNAVAILABLE);
            server.stop(0);
        }
    }

    @Test
    void anUnknownSchemaIdIsTheRegistrysFaultNotTheRecords() throws IOException {
        var registry = registryAnswering(
                exchange -> reply(exchange, 404, "{\"error_code\":40403,\"message\":\"Schema not found\"}"), Duration.ofSeconds(2));
        assertThat(classifyDecoding(registry, frame(1, validBody()))).isEqualTo(UNKNOWN_SCHEMA_ID);
    }

    @Test
    void theTestRegistryAnswersAnUnknownIdAsTheRealOneDoes() {
        Throwable failure = catchThrowable(() -> new ConfluentAvroDeserializer<>(new InMemorySchemaRegistry(), HostHealth.class)
                .deserialize(TOPIC, frame(1, validBody())));
        assertThat(DecodeFailure.classify(failure)).isEqualTo(UNKNOWN_SCHEMA_ID);
    }

    @Test
    void anUnknownSubjectIsTheRegistryHavingLostItsState() throws IOException {
        var registry = registryAnswering(
                exchange -> reply(exchange, 404, "{\"error_code\":40401,\"message\":\"Subject not found\"}"), Duration.ofSeconds(2));
        assertThat(DecodeFailure.classify(catchThrowable(() -> registry.getAllSubjects()))).isEqualTo(UNKNOWN_SCHEMA_ID);
    }

    @Test
    void aBadMagicByteIsPoison() throws IOException {
        assertThat(classifyDecoding(registryWith(HostHealth.getClassSchema().toString()), new byte[] {1, 0, 0, 0, 1, 2}))
                .isEqualTo(POISON);
    }

    @Test
    void aFrameShorterThanTheHeaderIsPoison() throws IOException {
        assertThat(classifyDecoding(registryWith(HostHealth.getClassSchema().toString()), new byte[] {0, 0, 0}))
                .isEqualTo(POISON);
    }

    @Test
    void aTruncatedAvroBodyIsPoison() throws IOException {
        byte[] body = validBody();
        byte[] truncated = Arrays.copyOf(body, body.length / 2);
        assertThat(classifyDecoding(registryWith(HostHealth.getClassSchema().toString()), frame(1, truncated)))
                .isEqualTo(POISON);
    }

    @Test
    void aWriterSchemaOfAnotherTypeIsTheRegistryBeingInconsistent() throws IOException {
        var registry = registryWith(HostRole.getClassSchema().toString());
        Throwable failure = catchThrowable(() -> new ConfluentAvroDeserializer<>(registry, HostHealth.class)
                .deserialize(TOPIC, frame(1, validBody())));

        assertThat(DecodeFailure.classify(failure)).isEqualTo(REGISTRY_INCONSISTENT);
        assertThat(failure).isInstanceOfSatisfying(RegistryInconsistentException.class, inconsistent -> {
            assertThat(inconsistent.schemaId()).isEqualTo(1);
            assertThat(inconsistent.registryType()).isEqualTo("io.imagelib.avro.HostRole");
            assertThat(inconsistent.topicType()).isEqualTo("io.imagelib.avro.HostHealth");
            assertThat(inconsistent).hasMessageContaining("Restore the registry's storage");
        });
    }

    @Test
    void kafkasReflectiveConstructionKnowsTheTopicsTypeFromTheCatalogue() throws IOException {
        registryWith(HostRole.getClassSchema().toString());
        var reflective = new ConfluentAvroDeserializer<HostHealth>();
        reflective.configure(Map.of("schema.registry.url", "http://127.0.0.1:" + server.getAddress().getPort()), false);
        Throwable failure = catchThrowable(() -> reflective.deserialize(TOPIC, frame(1, validBody())));
        assertThat(DecodeFailure.classify(failure)).as("%s", failure).isEqualTo(REGISTRY_INCONSISTENT);
    }

    @Test
    void aKnownCauseIsFoundUnderTheWrappersOfKafkaAndSpring() {
        var inner = new RegistryInconsistentException(TOPIC, 3, "a.B", "c.D");
        assertThat(DecodeFailure.classify(new KafkaException("listener failed", new RuntimeException(inner))))
                .isEqualTo(REGISTRY_INCONSISTENT);
    }

    @Test
    void anythingUnknownIsPoisonAsBefore() {
        assertThat(DecodeFailure.classify(new IllegalStateException("handler rejected the record"))).isEqualTo(POISON);
    }

    @Test
    void onlyInfrastructureKindsCarryAMetricReason() {
        assertThat(Arrays.stream(DecodeFailure.values()).filter(kind -> !kind.isPoison()).map(DecodeFailure::reason))
                .containsExactly("unknown-schema-id", "registry-unavailable", "registry-inconsistent");
        assertThat(POISON.reason()).isNull();
    }

    private static DecodeFailure classifyDecoding(RestSchemaRegistry registry, byte[] frame) {
        Throwable failure = catchThrowable(() -> new ConfluentAvroDeserializer<>(registry, HostHealth.class)
                .deserialize(TOPIC, frame));
        assertThat(failure).as("decoding must fail").isNotNull();
        return DecodeFailure.classify(failure);
    }

    private RestSchemaRegistry registryWith(String schemaForId1) throws IOException {
        return registryAnswering(exchange -> reply(exchange, 200, JSON.writeValueAsString(Map.of("schema", schemaForId1))),
                Duration.ofSeconds(2));
    }

    private RestSchemaRegistry registryAnswering(Answer answer, Duration timeout) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> answer.reply(exchange));
        server.start();
        return new RestSchemaRegistry("http://127.0.0.1:" + server.getAddress().getPort(), timeout);
    }

    @FunctionalInterface
    private interface Answer {
        void reply(HttpExchange exchange) throws IOException;
    }

    private static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static byte[] validBody() {
        byte[] frame = new ConfluentAvroSerializer<HostHealth>(new InMemorySchemaRegistry())
                .serialize(TOPIC, WireFormatTestData.health());
        return Arrays.copyOfRange(frame, AvroWireFormat.HEADER_SIZE, frame.length);
    }

    private static byte[] frame(int schemaId, byte[] body) {
        byte[] frame = new byte[AvroWireFormat.HEADER_SIZE + body.length];
        AvroWireFormat.writeHeader(frame, schemaId);
        System.arraycopy(body, 0, frame, AvroWireFormat.HEADER_SIZE, body.length);
        return frame;
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
