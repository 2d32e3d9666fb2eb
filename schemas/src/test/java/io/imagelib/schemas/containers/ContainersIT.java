package io.imagelib.schemas.containers;

import static org.assertj.core.api.Assertions.assertThat;

import io.imagelib.avro.HostHealth;
import io.imagelib.schemas.registry.SchemaRegistries;
import io.imagelib.schemas.registry.SchemaRegistry;
import io.imagelib.schemas.serde.AvroWireFormat;
import io.imagelib.schemas.serde.ConfluentAvroDeserializer;
import io.imagelib.schemas.serde.ConfluentAvroSerializer;
import io.imagelib.schemas.serde.WireFormatTestData;
import io.imagelib.schemas.topics.TopicProvisioner;
import io.imagelib.schemas.topics.Topics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * For machines with a Docker engine ({@code ./mvnw verify -Pdocker}): the same contracts against the container images
 * we deploy (deploy/compose/.env), instead of the embedded broker and in-memory registry of the default build. Topics
 * are provisioned from the catalogue and a record makes a round trip in the Confluent wire format through Apicurio's
 * Confluent-compatible API, as Kafka UI would read it.
 */
@Tag("docker")
@Testcontainers
class ContainersIT {

    private static final Map<String, String> PINNED = composeEnv();

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer(PINNED.get("KAFKA_IMAGE"));

    /** The in-memory flavour of the deployed registry, same version: the test needs no storage of its own. */
    @Container
    static final GenericContainer<?> REGISTRY = new GenericContainer<>(
            PINNED.get("REGISTRY_IMAGE").replace("-kafkasql:", "-mem:"))
            .withExposedPorts(8080)
            .waitingFor(Wait.forHttp("/health/ready").forStatusCode(200).withStartupTimeout(Duration.ofMinutes(3)));

    @Test
    void catalogueTopicsAndConfluentFramedRecordsWorkAgainstTheDeployedImages() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.getBootstrapServers()))) {
            List<String> created = new TopicProvisioner(admin).provision(Topics.ALL);
            assertThat(created).contains(Topics.HOST_HEALTH_NAME, Topics.HOST_HEALTH_NAME + "-dlt");
            // A second start finds everything in place: nothing created, no conflict.
            assertThat(new TopicProvisioner(admin).provision(Topics.ALL)).isEmpty();
        }

        String registryUrl = "http://%s:%d/apis/ccompat/v7".formatted(REGISTRY.getHost(), REGISTRY.getMappedPort(8080));
        SchemaRegistry registry = SchemaRegistries.forUrl(registryUrl);
        HostHealth sent = WireFormatTestData.health();
        try (var producer = new KafkaProducer<>(producerProps(), new StringSerializer(),
                new ConfluentAvroSerializer<HostHealth>(registry))) {
            producer.send(new ProducerRecord<>(Topics.HOST_HEALTH_NAME, sent.getHostId(), sent)).get();
        }

        ConsumerRecord<String, byte[]> raw = readOne();
        int schemaId = AvroWireFormat.readSchemaId(ByteBuffer.wrap(raw.value()));
        assertThat(raw.value()[0]).isEqualTo(AvroWireFormat.MAGIC_BYTE);
        assertThat(registry.getSchemaById(schemaId)).isEqualTo(HostHealth.getClassSchema());
        assertThat(registry.getAllSubjects()).contains(Topics.HOST_HEALTH_NAME + "-value");
        try (var deserializer = new ConfluentAvroDeserializer<>(registry, HostHealth.class)) {
            assertThat(deserializer.deserialize(Topics.HOST_HEALTH_NAME, raw.value())).isEqualTo(sent);
        }
    }

    private static Properties producerProps() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.getBootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return props;
    }

    private static ConsumerRecord<String, byte[]> readOne() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.getBootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "containers-it");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.HOST_HEALTH_NAME));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    return record;
                }
            }
        }
        throw new AssertionError("No record on " + Topics.HOST_HEALTH_NAME + " within 30 s");
    }

    /** The image tags pinned for compose, so this test runs exactly what we deploy. */
    private static Map<String, String> composeEnv() {
        try {
            return Files.readAllLines(Path.of("../deploy/compose/.env")).stream()
                    .filter(line -> line.contains("=") && !line.startsWith("#"))
                    .map(line -> line.split("=", 2))
                    .collect(Collectors.toMap(kv -> kv[0].trim(), kv -> kv[1].trim()));
        } catch (IOException e) {
            throw new IllegalStateException("deploy/compose/.env pins the container images; cannot read it", e);
        }
    }
}
