package io.imagelib.support.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.imagelib.avro.HostHealth;
import io.imagelib.avro.HostRole;
import io.imagelib.schemas.registry.SchemaRegistries;
import io.imagelib.schemas.registry.SchemaRegistry;
import io.imagelib.schemas.serde.AvroWireFormat;
import io.imagelib.schemas.topics.TopicSpec;
import io.imagelib.schemas.topics.Topics;
import io.imagelib.testing.KafkaTestBroker;
import io.imagelib.testing.WireFrames;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.specific.SpecificData;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Issue 15: a registry that restarted empty answers 404 for ids of records Kafka kept. Those records are healthy:
 * the state reader and the listener hold them (readiness DOWN, nothing on the DLT) and deliver them once the schema
 * is registered again, without a restart. Before, both parked them as poison and the service's view stayed wrong.
 */
@SpringBootTest(classes = RegistryFaultsIT.App.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"imagelib.kafka.blocked.initial-backoff=50ms", "imagelib.kafka.blocked.max-backoff=500ms"})
class RegistryFaultsIT {

    /** A scope of its own: the test decides which ids the registry knows. */
    private static final String REGISTRY_URL = "mock://registry-faults-it";
    private static final String LISTENER_GROUP = "registry-faults-it";
    private static final String READER = "state-reader";

    @RegisterExtension
    static KafkaTestBroker kafka = new KafkaTestBroker();

    @DynamicPropertySource
    static void kafkaProperties(DynamicPropertyRegistry registry) {
        ServiceSupportKafkaIT.onBroker(registry, kafka, REGISTRY_URL, "registry-faults-it");
    }

    @SpringBootApplication
    static class App {
        final Map<String, HostRole> roles = new ConcurrentHashMap<>();
        final List<HostHealth> health = new CopyOnWriteArrayList<>();

        @Bean
        CompactedTopicReader<HostRole> rolesReader(StateReaderFactory readers) {
            return readers.reader(Topics.HOST_ROLES, roles::put);
        }

        @KafkaListener(topics = Topics.HOST_HEALTH_NAME, groupId = LISTENER_GROUP)
        void onHealth(ConsumerRecord<String, HostHealth> record) {
            health.add(record.value());
        }
    }

    @Autowired
    App app;
    @Autowired
    ApplicationContext context;
    @Autowired
    MeterRegistry meters;

    private final SchemaRegistry registry = SchemaRegistries.forUrl(REGISTRY_URL);

    @Test
    void recordsWhoseSchemaIdTheRegistryForgotAreHeldThenDeliveredOnceItKnowsThemAgain() {
        long healthParkedBefore = deadLetters(Topics.HOST_HEALTH);
        int roleId = nextUnknownId();
        kafka.typed().produceRaw(Topics.HOST_ROLES_NAME, "h1", WireFrames.framedAsLaterVersion(roleId, ServiceSupportKafkaIT.role("h1")));
        kafka.typed().produceRaw(Topics.HOST_HEALTH_NAME, "h1", WireFrames.framedAsLaterVersion(roleId + 1, ServiceSupportKafkaIT.health("h1")));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(blockedGauge(Topics.HOST_ROLES_NAME, READER)).isEqualTo(1.0);
            assertThat(blockedGauge(Topics.HOST_HEALTH_NAME, LISTENER_GROUP)).isEqualTo(1.0);
            assertThat(retries(Topics.HOST_ROLES_NAME)).isGreaterThanOrEqualTo(3);
            assertThat(retries(Topics.HOST_HEALTH_NAME)).isGreaterThanOrEqualTo(3);
        });
        var readiness = kafkaConsumersHealth().health();
        assertThat(readiness.getStatus()).isEqualTo(Status.DOWN);
        assertThat(readiness.getDetails().toString()).contains(Topics.HOST_ROLES_NAME, Topics.HOST_HEALTH_NAME,
                "unknown-schema-id", REGISTRY_URL, LISTENER_GROUP);
        assertThat(app.roles).isEmpty();
        assertThat(app.health).isEmpty();
        assertThat(deadLetters(Topics.HOST_ROLES)).isZero();
        assertThat(deadLetters(Topics.HOST_HEALTH)).isEqualTo(healthParkedBefore);

        // the registry is given its schemas again, in the original order
        assertThat(registry.register(Topics.HOST_ROLES.valueSubject(), WireFrames.laterVersion(HostRole.getClassSchema())))
                .isEqualTo(roleId);
        assertThat(registry.register(Topics.HOST_HEALTH.valueSubject(), WireFrames.laterVersion(HostHealth.getClassSchema())))
                .isEqualTo(roleId + 1);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(app.roles).containsKey("h1");
            assertThat(app.health).extracting(HostHealth::getHostId).containsExactly("h1");
            assertThat(kafkaConsumersHealth().health().getStatus()).isEqualTo(Status.UP);
        });
        assertThat(blockedGauge(Topics.HOST_ROLES_NAME, READER)).isZero();
        assertThat(blockedGauge(Topics.HOST_HEALTH_NAME, LISTENER_GROUP)).isZero();
        assertThat(deadLetters(Topics.HOST_ROLES)).isZero();
        assertThat(deadLetters(Topics.HOST_HEALTH)).isEqualTo(healthParkedBefore);
    }

    /**
     * A record held for an unknown id, cut after its header: once the registry knows the id the bytes do not decode,
     * so the listener parks it and its hold ends. Before, the listener kept the back-off of the first failure (the
     * same exception type) and held the record, with readiness DOWN, for good.
     */
    @Test
    void aHeldRecordThatTurnsOutUndecodableOnceItsIdIsKnownIsParkedAndTheHoldEnds() {
        long parkedBefore = deadLetters(Topics.HOST_HEALTH);
        int id = registry.register("id-probe-" + UUID.randomUUID() + "-value",
                SchemaBuilder.record("IdProbe").namespace("io.imagelib.test").fields().requiredInt("x").endRecord()) + 1;
        byte[] headerOnly = new byte[AvroWireFormat.HEADER_SIZE];
        AvroWireFormat.writeHeader(headerOnly, id);
        kafka.typed().produceRaw(Topics.HOST_HEALTH_NAME, "cut", headerOnly);

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(blockedGauge(Topics.HOST_HEALTH_NAME, LISTENER_GROUP)).isEqualTo(1.0));
        assertThat(deadLetters(Topics.HOST_HEALTH)).isEqualTo(parkedBefore);

        Schema judged = SchemaBuilder.record(HostHealth.getClassSchema().getName())
                .namespace(HostHealth.getClassSchema().getNamespace()).fields()
                .requiredString("onlyInThisVersion").endRecord();
        assertThat(registry.register("held-then-judged-value", judged)).isEqualTo(id);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(deadLetters(Topics.HOST_HEALTH)).isEqualTo(parkedBefore + 1);
            assertThat(blockedGauge(Topics.HOST_HEALTH_NAME, LISTENER_GROUP)).isZero();
            assertThat(kafkaConsumersHealth().health().getStatus()).isEqualTo(Status.UP);
        });
    }

    /** The catalogue's schemas hold the first ids (whoever registers them first, in this order): the next is free. */
    private int nextUnknownId() {
        Topics.ALL.forEach(topic -> registry.register(topic.valueSubject(), SpecificData.get().getSchema(topic.valueType())));
        return Topics.ALL.size() + 1;
    }

    private HealthIndicator kafkaConsumersHealth() {
        return context.getBean("kafkaConsumersHealthIndicator", HealthIndicator.class);
    }

    private double blockedGauge(String topic, String consumer) {
        var gauge = meters.find("imagelib.kafka.blocked").tags("topic", topic, "consumer", consumer).gauge();
        return gauge == null ? -1 : gauge.value();
    }

    private double retries(String topic) {
        var counter = meters.find("imagelib.kafka.infrastructure.retries").tags("topic", topic, "reason", "unknown-schema-id")
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private static long deadLetters(TopicSpec<String, ?> topic) {
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.deadLetterTopic()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
    }
}
