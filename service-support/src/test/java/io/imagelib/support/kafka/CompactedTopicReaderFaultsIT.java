package io.imagelib.support.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.imagelib.avro.HostHealth;
import io.imagelib.avro.HostRole;
import io.imagelib.schemas.registry.InMemorySchemaRegistry;
import io.imagelib.schemas.topics.TopicSpec;
import io.imagelib.schemas.topics.Topics;
import io.imagelib.testing.KafkaTestBroker;
import io.imagelib.testing.WireFrames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.serializer.DelegatingByTypeSerializer;

/**
 * The state reader against a registry that reused an id for another type, and against bytes that really are
 * undecodable: the first is held (never decoded, never parked), the second parked exactly once.
 */
class CompactedTopicReaderFaultsIT {

    @RegisterExtension
    static KafkaTestBroker kafka = new KafkaTestBroker();

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final BlockedConsumers blocked = new BlockedConsumers(meters, "mock://reader-faults",
            new RetryBackoff(Duration.ofMillis(50), Duration.ofMillis(500)), Duration.ofMinutes(5), Clock.systemUTC());

    @Test
    void aWriterSchemaOfAnotherTypeHoldsThePartitionAndIsNeitherDecodedNorParked() throws Exception {
        int roleId = registry.register(Topics.HOST_ROLES.valueSubject(), HostRole.getClassSchema());
        kafka.typed().produceRaw(Topics.HOST_HEALTH_NAME, "h1", WireFrames.framed(roleId, ServiceSupportKafkaIT.health("h1")));
        List<HostHealth> read = new CopyOnWriteArrayList<>();

        var reader = reader(Topics.HOST_HEALTH, (key, value) -> read.add(value));
        try {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(meters.find("imagelib.kafka.infrastructure.retries")
                    .tags("topic", Topics.HOST_HEALTH_NAME, "reason", "registry-inconsistent").counter())
                    .isNotNull().satisfies(c -> assertThat(c.count()).isGreaterThanOrEqualTo(3)));

            assertThat(blocked.current()).singleElement().satisfies(b -> {
                assertThat(b.cause().reason()).isEqualTo("registry-inconsistent");
                assertThat(b.message()).contains("io.imagelib.avro.HostRole", "io.imagelib.avro.HostHealth",
                        "schema id " + roleId, "Restore the registry's storage");
            });
            assertThat(meters.get("imagelib.kafka.blocked").tags("topic", Topics.HOST_HEALTH_NAME, "consumer", "state-reader")
                    .gauge().value()).isEqualTo(1.0);
            assertThat(read).isEmpty();
            assertThat(reader.isCaughtUp()).isFalse();
            assertThat(meters.find("imagelib.kafka.dead.letters").counter()).isNull();
        } finally {
            reader.stop();
        }
    }

    @Test
    void aTruncatedBodyIsParkedExactlyOnceAndReadingGoesOn() throws Exception {
        int roleId = registry.register(Topics.HOST_ROLES.valueSubject(), HostRole.getClassSchema());
        byte[] whole = WireFrames.framed(roleId, ServiceSupportKafkaIT.role("h1"));
        kafka.typed().produceRaw(Topics.HOST_ROLES_NAME, "bad", Arrays.copyOf(whole, whole.length - 10));
        kafka.typed().produceRaw(Topics.HOST_ROLES_NAME, "bad", WireFrames.framed(roleId, ServiceSupportKafkaIT.role("bad")));
        List<HostRole> read = new CopyOnWriteArrayList<>();

        var reader = reader(Topics.HOST_ROLES, (key, value) -> read.add(value));
        try {
            assertThat(reader.awaitCaughtUp(Duration.ofSeconds(60))).isTrue();
            assertThat(read).extracting(HostRole::getHostId).containsExactly("bad");
            var parked = kafka.typed().awaitDeadLetters(Topics.HOST_ROLES.deadLetterTopic(), d -> true, Duration.ofSeconds(20));
            assertThat(parked).singleElement().satisfies(d -> assertThat(d.key()).isEqualTo("bad"));
            assertThat(meters.get("imagelib.kafka.dead.letters").tags("topic", Topics.HOST_ROLES_NAME).counter().count())
                    .isEqualTo(1.0);
            assertThat(blocked.current()).isEmpty();
        } finally {
            reader.stop();
        }
    }

    private <V extends org.apache.avro.specific.SpecificRecord> CompactedTopicReader<V> reader(
            TopicSpec<String, V> topic, CompactedTopicReader.Handler<V> handler) {
        var deadLetters = new DeadLetterPublisher(new KafkaTemplate<>(new DefaultKafkaProducerFactory<Object, byte[]>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new DelegatingByTypeSerializer(Map.of(byte[].class, new ByteArraySerializer())), new ByteArraySerializer())),
                "reader-faults-it/1", meters);
        var reader = new StateReaderFactory(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                registry, deadLetters, blocked, "reader-faults-it").reader(topic, handler);
        reader.start();
        return reader;
    }
}
