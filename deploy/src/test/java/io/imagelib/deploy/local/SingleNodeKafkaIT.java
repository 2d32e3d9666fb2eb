package io.imagelib.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.imagelib.schemas.topics.TopicSpec;
import io.imagelib.schemas.topics.TopicProvisioner;
import io.imagelib.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SingleNodeKafkaIT {

    @TempDir
    Path dir;

    @Test
    void aBrokerFromTheJarsTakesTheCatalogueCarriesARecordAndLeavesNoProcessBehind() throws Exception {
        long pid;
        long started = System.nanoTime();
        try (KafkaCluster kafka = KafkaCluster.singleNode(dir).start()) {
            System.out.printf("single node ready in %d ms on %s%n", (System.nanoTime() - started) / 1_000_000, kafka.bootstrapServers());
            pid = kafka.node(1).pid().orElseThrow();

            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                List<String> created = new TopicProvisioner(admin).provision(Topics.ALL);

                List<String> catalogue = Topics.ALL.stream()
                        .flatMap(t -> Stream.of(t.name(), t.deadLetterTopic())).toList();
                assertThat(created).containsExactlyInAnyOrderElementsOf(catalogue);
                assertThat(new TopicProvisioner(admin).provision(Topics.ALL)).as("second run is a no-op").isEmpty();
            }

            TopicSpec<String, ?> topic = Topics.HOST_HEALTH;
            RecordMetadata written;
            try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer())) {
                written = producer.send(new ProducerRecord<>(topic.name(), "host-1", "up".getBytes(StandardCharsets.UTF_8)))
                        .get();
            }

            try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                    new StringDeserializer(), new ByteArrayDeserializer())) {
                TopicPartition partition = new TopicPartition(topic.name(), written.partition());
                consumer.assign(List.of(partition));
                consumer.seek(partition, written.offset());
                List<ConsumerRecord<String, byte[]>> read = new ArrayList<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (read.isEmpty() && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(500)).forEach(read::add);
                }
                assertThat(read).singleElement().satisfies(r -> {
                    assertThat(r.key()).isEqualTo("host-1");
                    assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("up");
                });
            }
        }

        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("broker PID %d after stop", pid).isEmpty();
        assertThat(dir.resolve("node-1/kafka.pid")).doesNotExist();
        assertThat(Files.readString(dir.resolve("node-1/kafka.log"))).contains("Kafka Server started");
    }
}
