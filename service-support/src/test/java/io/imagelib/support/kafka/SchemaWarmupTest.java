package io.imagelib.support.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.imagelib.avro.HostObservation;
import io.imagelib.avro.ObservationKind;
import io.imagelib.schemas.registry.SchemaRegistries;
import io.imagelib.schemas.serde.ConfluentAvroSerializer;
import io.imagelib.schemas.topics.TopicSpec;
import io.imagelib.schemas.topics.Topics;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SchemaWarmupTest {

    private static final HostObservation OBSERVATION = HostObservation.newBuilder()
            .setHostId("h1").setRegion("r1").setKind(ObservationKind.CONNECTION_REFUSED).setObserver("router-1")
            .setObservedAt(Instant.parse("2026-01-01T00:00:00Z")).setDetail("refused").build();

    @Test
    void registersEveryCatalogueValueSubject() {
        var registry = SchemaRegistries.forUrl("mock://schema-warmup-test");

        new SchemaWarmup(registry, Topics.ALL).warmUp();

        assertThat(registry.getAllSubjects()).containsAll(Topics.ALL.stream().map(TopicSpec::valueSubject).toList());
    }

    @Test
    void aWarmedUpSerializerKeepsSerializingWhileTheRegistryIsDown() throws IOException {
        String url = startFakeRegistry().stopAfterWarmup();
        var serializer = new ConfluentAvroSerializer<HostObservation>();
        serializer.configure(Map.of(SchemaRegistries.URL_CONFIG, url), false);

        assertThat(serializer.serialize(Topics.HOST_OBSERVATIONS_NAME, OBSERVATION)).isNotEmpty();
    }

    @Test
    void withoutTheWarmupTheFirstRecordOfATypeFailsWhileTheRegistryIsDown() throws IOException {
        FakeRegistry registry = startFakeRegistry();
        String url = registry.url();
        registry.server.stop(0);
        var serializer = new ConfluentAvroSerializer<HostObservation>();
        serializer.configure(Map.of(SchemaRegistries.URL_CONFIG, url), false);

        assertThatThrownBy(() -> serializer.serialize(Topics.HOST_OBSERVATIONS_NAME, OBSERVATION))
                .hasMessageContaining("unreachable");
    }

    @Test
    void aRegistryDownAtStartupIsNoStartupFailure() throws IOException {
        FakeRegistry registry = startFakeRegistry();
        String url = registry.url();
        registry.server.stop(0);

        new SchemaWarmup(SchemaRegistries.forUrl(url), Topics.ALL).warmUp();
    }

    /** A Confluent-style registry answering every registration with a fresh id, on its own port (so its own client). */
    private record FakeRegistry(HttpServer server) {
        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/apis/ccompat/v7";
        }

        String stopAfterWarmup() {
            new SchemaWarmup(SchemaRegistries.forUrl(url()), Topics.ALL).warmUp();
            server.stop(0);
            return url();
        }
    }

    private static FakeRegistry startFakeRegistry() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AtomicInteger ids = new AtomicInteger();
        server.createContext("/apis/ccompat/v7/subjects/", exchange -> {
            byte[] body = ("{\"id\":" + ids.incrementAndGet() + "}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return new FakeRegistry(server);
    }
}
