package io.imagelib.support.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.imagelib.avro.HealthStatus;
import io.imagelib.avro.HostHealth;
import io.imagelib.avro.HostRole;
import io.imagelib.avro.StorageBackend;
import io.imagelib.avro.StorageType;
import io.imagelib.schemas.topics.Topics;
import io.imagelib.testing.KafkaTestBroker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The shared Kafka shell against a real broker: typed round trip, state reader catch-up, poison records to DLTs. */
@SpringBootTest(classes = ServiceSupportKafkaIT.App.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
class ServiceSupportKafkaIT {

    @RegisterExtension
    static KafkaTestBroker kafka = new KafkaTestBroker();

    @DynamicPropertySource
    static void kafkaProperties(DynamicPropertyRegistry registry) {
        onBroker(registry, kafka, KafkaTestBroker.REGISTRY_URL, "support-it");
    }

    static void onBroker(DynamicPropertyRegistry registry, KafkaTestBroker broker, String registryUrl, String application) {
        registry.add("spring.kafka.bootstrap-servers", broker::bootstrapServers);
        registry.add("spring.kafka.consumer.auto-offset-reset", () -> "earliest");
        registry.add("imagelib.kafka.schema-registry-url", () -> registryUrl);
        registry.add("spring.application.name", () -> application);
    }

    @SpringBootApplication
    static class App {
        final Map<String, HostRole> roles = new ConcurrentHashMap<>();
        final List<HostHealth> health = new CopyOnWriteArrayList<>();

        @Bean
        CompactedTopicReader<HostRole> rolesReader(StateReaderFactory readers) {
            return readers.reader(Topics.HOST_ROLES, (hostId, role) -> {
                if (role == null) {
                    roles.remove(hostId);
                } else {
                    roles.put(hostId, role);
                }
            });
        }

        @KafkaListener(topics = Topics.HOST_HEALTH_NAME, groupId = "support-it")
        void onHealth(ConsumerRecord<String, HostHealth> record) {
            health.add(record.value());
        }
    }

    @Autowired
    App app;
    @Autowired
    KafkaTemplate<String, Object> template;
    @Autowired
    StateReadersHealthIndicator readiness;
    @Autowired
    CompactedTopicReader<HostRole> rolesReader;

    @Test
    void stateReaderRebuildsTheTopicAndReportsCatchUp() throws Exception {
        var sent = template.send(Topics.HOST_ROLES_NAME, "h1", role("h1")).get().getRecordMetadata();
        // read-your-writes: once awaitApplied returns true the handler has seen the record, no polling needed
        assertThat(rolesReader.awaitApplied(sent.partition(), sent.offset(), Duration.ofSeconds(20))).isTrue();
        assertThat(app.roles).containsKey("h1");
        assertThat(readiness.health().getStatus()).isEqualTo(Status.UP);

        template.send(Topics.HOST_ROLES_NAME, "h1", null).get();
        await().atMost(Duration.ofSeconds(20)).until(() -> !app.roles.containsKey("h1"));
    }

    @Test
    void listenerGetsTypedAvroAndPoisonGoesToTheDeadLetterTopic() throws Exception {
        template.send(Topics.HOST_HEALTH_NAME, "h1", health("h1")).get();
        kafka.typed().produceRaw(Topics.HOST_HEALTH_NAME, "h2", "not avro".getBytes());
        template.send(Topics.HOST_HEALTH_NAME, "h3", health("h3")).get();

        await().atMost(Duration.ofSeconds(30)).until(() -> app.health.size() == 2);
        assertThat(app.health).extracting(HostHealth::getHostId).containsExactly("h1", "h3");
        var parked = kafka.typed().awaitDeadLetters(Topics.HOST_HEALTH.deadLetterTopic(), d -> true, Duration.ofSeconds(20));
        assertThat(parked).extracting(d -> new String(d.value())).containsExactly("not avro");
        assertThat(parked.getFirst().header(DeadLetterPublisher.PARKED_BY_HEADER)).startsWith("support-it/");
    }

    @Test
    void poisonOnAStateTopicIsParkedAndReadingGoesOn() throws Exception {
        kafka.typed().produceRaw(Topics.HOST_ROLES_NAME, "bad", new byte[] {0, 0, 0});
        template.send(Topics.HOST_ROLES_NAME, "h9", role("h9")).get();
        await().atMost(Duration.ofSeconds(20)).until(() -> app.roles.containsKey("h9"));
        var parked = kafka.typed().awaitDeadLetters(Topics.HOST_ROLES.deadLetterTopic(), d -> true, Duration.ofSeconds(20));
        assertThat(parked).singleElement().satisfies(d -> {
            assertThat(d.key()).isEqualTo("bad");
            assertThat(d.header(DeadLetterPublisher.PARKED_BY_HEADER)).startsWith("support-it/");
            assertThat(d.header("kafka_dlt-original-topic")).isEqualTo(Topics.HOST_ROLES_NAME);
        });
    }

    static HostRole role(String hostId) {
        return HostRole.newBuilder().setRegion("SJC").setHostId(hostId)
                .setPublicUrl("http://127.0.0.1:9292").setAdminUrl("https://127.0.0.1:9494")
                .setStorage(StorageBackend.newBuilder().setType(StorageType.NFS)
                        .setMountPath("/var/opt/imagelibrary/data").setStorageId("nfs-1").build())
                .setAssignedAt(Instant.now()).build();
    }

    static HostHealth health(String hostId) {
        return HostHealth.newBuilder().setRegion("SJC").setHostId(hostId).setStatus(HealthStatus.UP)
                .setSince(Instant.now()).setObservedAt(Instant.now()).build();
    }
}
