package io.imagelib.endpoint.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.imagelib.avro.HealthStatus;
import io.imagelib.avro.HostHealth;
import io.imagelib.avro.HostRole;
import io.imagelib.schemas.registry.InMemorySchemaRegistry;
import io.imagelib.schemas.serde.ConfluentAvroDeserializer;
import io.imagelib.schemas.topics.Topics;
import io.imagelib.support.kafka.BlockedConsumers;
import io.imagelib.support.kafka.DeadLetterPublisher;
import io.imagelib.support.kafka.RetryBackoff;
import io.imagelib.testing.WireFrames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler.DeserializationHandlerResponse;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The election's deserialization handler meets each failure as the Streams thread does, from the real deserializer:
 * a record whose schema id the registry does not know (it restarted empty) used to be parked; now it is held
 * (FAIL: the thread is replaced and retries) with the DLT untouched, while undecodable bytes are parked once.
 */
class PoisonToDeadLetterHandlerTest {

    private static final String TOPIC = Topics.HOST_HEALTH_NAME;
    private static final HostHealth HEALTH = Records.health("SJC", "h1", HealthStatus.UP);

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    @SuppressWarnings("unchecked")
    private final KafkaTemplate<Object, byte[]> dltProducer = mock(KafkaTemplate.class);
    private final BlockedConsumers blocked = new BlockedConsumers(meters, "mock://handler-test",
            new RetryBackoff(Duration.ofMillis(1), Duration.ofSeconds(10)), Duration.ofMinutes(5), Clock.systemUTC());
    private final PoisonToDeadLetterHandler handler = new PoisonToDeadLetterHandler();

    @BeforeEach
    void configure() {
        when(dltProducer.send(any(ProducerRecord.class))).thenReturn(CompletableFuture.completedFuture(null));
        handler.configure(Map.of(
                PoisonToDeadLetterHandler.DEAD_LETTERS_CONFIG, new DeadLetterPublisher(dltProducer, "endpoint/1", meters),
                PoisonToDeadLetterHandler.BLOCKED_CONSUMERS_CONFIG, blocked,
                StreamsConfig.APPLICATION_ID_CONFIG, "endpoint-election"));
    }

    @Test
    void aRecordWhoseSchemaIdTheRegistryForgotIsHeldNotParked() {
        var record = record(WireFrames.framed(1, HEALTH));

        assertThat(handle(record)).isEqualTo(DeserializationHandlerResponse.FAIL);

        verify(dltProducer, never()).send(any(ProducerRecord.class));
        assertThat(blocked.current()).singleElement().satisfies(b -> {
            assertThat(b.consumer()).isEqualTo("endpoint-election");
            assertThat(b.topic()).isEqualTo(TOPIC);
            assertThat(b.cause().reason()).isEqualTo("unknown-schema-id");
        });
        assertThat(meters.get("imagelib.kafka.blocked").tags("topic", TOPIC, "consumer", "endpoint-election").gauge().value())
                .isEqualTo(1.0);

        registry.register(Topics.HOST_HEALTH.valueSubject(), HostHealth.getClassSchema());
        assertThat(decode(record)).isEqualTo(HEALTH);
    }

    @Test
    void aWriterSchemaOfAnotherTypeIsHeldAndNeverDecoded() {
        int roleId = registry.register(Topics.HOST_ROLES.valueSubject(), HostRole.getClassSchema());

        assertThat(handle(record(WireFrames.framed(roleId, HEALTH)))).isEqualTo(DeserializationHandlerResponse.FAIL);

        verify(dltProducer, never()).send(any(ProducerRecord.class));
        assertThat(blocked.current()).singleElement()
                .satisfies(b -> assertThat(b.cause().reason()).isEqualTo("registry-inconsistent"));
    }

    @Test
    void undecodableBytesAreParkedOnceAndCounted() {
        registry.register(Topics.HOST_HEALTH.valueSubject(), HostHealth.getClassSchema());

        assertThat(handle(record("not avro".getBytes()))).isEqualTo(DeserializationHandlerResponse.CONTINUE);

        verify(dltProducer, times(1)).send(any(ProducerRecord.class));
        assertThat(blocked.current()).isEmpty();
        assertThat(meters.get("imagelib.kafka.dead.letters").tags("topic", TOPIC).counter().count()).isEqualTo(1.0);
    }

    private DeserializationHandlerResponse handle(ConsumerRecord<byte[], byte[]> record) {
        Exception failure = null;
        try {
            decode(record);
        } catch (RuntimeException e) {
            failure = e;
        }
        assertThat(failure).as("decoding must fail").isNotNull();
        return handler.handle((ErrorHandlerContext) null, record, failure);
    }

    private HostHealth decode(ConsumerRecord<byte[], byte[]> record) {
        return new ConfluentAvroDeserializer<>(registry, HostHealth.class).deserialize(record.topic(), record.value());
    }

    private static ConsumerRecord<byte[], byte[]> record(byte[] value) {
        return new ConsumerRecord<>(TOPIC, 0, 42, "h1".getBytes(), value);
    }

}
