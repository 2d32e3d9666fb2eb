package io.imagelib.ilctl.dlt;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imagelib.avro.HealthStatus;
import io.imagelib.avro.HostHealth;
import io.imagelib.ilctl.ExitCode;
import io.imagelib.ilctl.IlctlRun;
import io.imagelib.schemas.topics.Topics;
import io.imagelib.testing.KafkaTestBroker;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code ilctl dlt} on a real broker: three records parked on imagelib.host-health-dlt the way the services park
 * them (a healthy record, one whose key was written again since, one that does not decode), then list, dry run,
 * replay, and replay again.
 */
class DltCommandIT {

    @RegisterExtension
    static KafkaTestBroker kafka = new KafkaTestBroker();

    private static final String HEALTH_DLT = Topics.HOST_HEALTH.deadLetterTopic();

    @Test
    void listShowsWhyAndWhenceReplaySendsOnceSkippingSupersededStateAndDryRunSendsNothing() throws Exception {
        var typed = kafka.typed();
        typed.produce(Topics.HOST_HEALTH, "h-good", health("h-good"));
        typed.produce(Topics.HOST_HEALTH, "h-old", health("h-old"));
        typed.produce(Topics.HOST_HEALTH, "h-old", health("h-old"));
        List<ConsumerRecord<byte[], byte[]>> originals = readRaw(Topics.HOST_HEALTH_NAME);
        ConsumerRecord<byte[], byte[]> good = first(originals, "h-good");
        ConsumerRecord<byte[], byte[]> old = first(originals, "h-old");
        try (var producer = new KafkaProducer<byte[], byte[]>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(parkedAsText(good, "org.apache.kafka.common.errors.SerializationException", "Schema id 1 not found")).get();
            producer.send(parkedAsText(old, "java.lang.IllegalStateException", "bug in a listener")).get();
            // Spring's own recoverer writes partition and offset as binary.
            var garbage = new ProducerRecord<byte[], byte[]>(HEALTH_DLT, null, "h-bad".getBytes(StandardCharsets.UTF_8),
                    new byte[] {1, 2, 3, (byte) 0xff});
            garbage.headers().add(ParkedRecord.ORIGINAL_TOPIC, Topics.HOST_HEALTH_NAME.getBytes(StandardCharsets.UTF_8))
                    .add(ParkedRecord.ORIGINAL_PARTITION, ByteBuffer.allocate(4).putInt(good.partition()).array())
                    .add(ParkedRecord.ORIGINAL_OFFSET, ByteBuffer.allocate(8).putLong(999_999L).array())
                    .add(ParkedRecord.EXCEPTION_CLASS, "org.apache.kafka.common.errors.SerializationException".getBytes(StandardCharsets.UTF_8))
                    .add(ParkedRecord.EXCEPTION_MESSAGE, "Unknown magic byte!".getBytes(StandardCharsets.UTF_8))
                    .add(ParkedRecord.PARKED_BY, "endpoint-service/e1".getBytes(StandardCharsets.UTF_8));
            producer.send(garbage).get();
        }

        IlctlRun list = ilctl("dlt", "list", "host-health", "-f", "json");
        assertThat(list.exitCode()).as(list.err()).isZero();
        JsonNode rows = new ObjectMapper().readTree(list.out());
        assertThat(rows).hasSize(3);
        JsonNode goodRow = row(rows, "h-good");
        assertThat(goodRow.get("Exception").asText()).isEqualTo("org.apache.kafka.common.errors.SerializationException");
        assertThat(goodRow.get("Message").asText()).isEqualTo("Schema id 1 not found");
        assertThat(goodRow.get("Original Topic").asText()).isEqualTo(Topics.HOST_HEALTH_NAME);
        assertThat(goodRow.get("Original Partition").asInt()).isEqualTo(good.partition());
        assertThat(goodRow.get("Original Offset").asLong()).isEqualTo(good.offset());
        assertThat(goodRow.get("Parked By").asText()).isEqualTo("image-router-service/r1");
        assertThat(new ObjectMapper().readTree(goodRow.get("Value").asText()).get("hostId").asText()).isEqualTo("h-good");
        JsonNode badRow = row(rows, "h-bad");
        assertThat(badRow.get("Original Offset").asLong()).isEqualTo(999_999L);
        assertThat(badRow.get("Value").asText()).isEqualTo("4 bytes: 010203ff");
        assertThat(badRow.get("Parked By").asText()).isEqualTo("endpoint-service/e1");

        int before = readRaw(Topics.HOST_HEALTH_NAME).size();
        IlctlRun dryRun = ilctl("dlt", "replay", "host-health", "--dry-run");
        assertThat(dryRun.out()).contains("would send 2, superseded 1, already replayed 0");
        assertThat(readRaw(Topics.HOST_HEALTH_NAME)).as("a dry run sends nothing").hasSize(before);

        IlctlRun replay = ilctl("dlt", "replay", "host-health");
        assertThat(replay.exitCode()).as(replay.err()).isZero();
        assertThat(replay.out()).contains("sent 2, superseded 1, already replayed 0");
        List<ConsumerRecord<byte[], byte[]>> replayed = readRaw(Topics.HOST_HEALTH_NAME).stream()
                .filter(r -> r.headers().lastHeader(ParkedRecord.REPLAYED_FROM) != null).toList();
        assertThat(replayed).extracting(DltCommandIT::key).containsExactlyInAnyOrder("h-good", "h-bad");
        ConsumerRecord<byte[], byte[]> goodAgain = first(replayed, "h-good");
        assertThat(goodAgain.value()).isEqualTo(good.value());
        assertThat(goodAgain.partition()).isEqualTo(good.partition());
        assertThat(goodAgain.headers().toArray()).extracting(Header::key)
                .containsExactly("traceparent", ParkedRecord.REPLAYED_FROM);

        IlctlRun again = ilctl("dlt", "replay", "host-health");
        assertThat(again.out()).contains("sent 0, superseded 0, already replayed 3");
        assertThat(readRaw(Topics.HOST_HEALTH_NAME)).as("a second replay sends nothing").hasSize(before + 2);
    }

    @Test
    void anEmptyDeadLetterTopicSaysSoOnStderrAndPrintsNothingOnStdout() {
        IlctlRun list = ilctl("dlt", "list", "endpoint-command-results");
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out()).isEmpty();
        assertThat(list.err()).contains("0 records parked on " + Topics.ENDPOINT_COMMAND_RESULTS.deadLetterTopic());
    }

    @Test
    void anUnknownTopicIsAUsageErrorNamingTheCatalogue() {
        IlctlRun run = ilctl("dlt", "list", "host-healht");
        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("Unknown topic 'host-healht'", Topics.HOST_HEALTH_NAME, Topics.ENDPOINT_COMMANDS_NAME);
    }

    private static IlctlRun ilctl(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap", kafka.bootstrapServers(), "--registry", KafkaTestBroker.REGISTRY_URL));
        return IlctlRun.of(all.toArray(String[]::new));
    }

    /**
     * As service-support's DeadLetterPublisher parks: the DLT partition of the key (a DLT has fewer partitions than its
     * topic, so replay must take the original partition from the header), text headers, the record's own headers kept.
     */
    private static ProducerRecord<byte[], byte[]> parkedAsText(ConsumerRecord<byte[], byte[]> original, String exception, String message) {
        var parked = new ProducerRecord<>(HEALTH_DLT, null, original.key(), original.value());
        parked.headers().add("traceparent", "00-abc-def-01".getBytes(StandardCharsets.UTF_8))
                .add(ParkedRecord.ORIGINAL_TOPIC, original.topic().getBytes(StandardCharsets.UTF_8))
                .add(ParkedRecord.ORIGINAL_PARTITION, Integer.toString(original.partition()).getBytes(StandardCharsets.UTF_8))
                .add(ParkedRecord.ORIGINAL_OFFSET, Long.toString(original.offset()).getBytes(StandardCharsets.UTF_8))
                .add(ParkedRecord.EXCEPTION_CLASS, exception.getBytes(StandardCharsets.UTF_8))
                .add(ParkedRecord.EXCEPTION_MESSAGE, message.getBytes(StandardCharsets.UTF_8))
                .add(ParkedRecord.PARKED_BY, "image-router-service/r1".getBytes(StandardCharsets.UTF_8));
        return parked;
    }

    private static HostHealth health(String hostId) {
        Instant now = Instant.now();
        return HostHealth.newBuilder().setRegion("SJC").setHostId(hostId).setStatus(HealthStatus.UP).setSince(now)
                .setObservedAt(now).setReason("ok").setMonitorId("m1").setProbeLatencyMicros(100).build();
    }

    private static List<ConsumerRecord<byte[], byte[]>> readRaw(String topic) {
        try (var consumer = new KafkaConsumer<byte[], byte[]>(Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers()), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    private static ConsumerRecord<byte[], byte[]> first(List<ConsumerRecord<byte[], byte[]>> records, String key) {
        return records.stream().filter(r -> key.equals(key(r))).findFirst().orElseThrow();
    }

    private static String key(ConsumerRecord<byte[], byte[]> record) {
        return new String(record.key(), StandardCharsets.UTF_8);
    }

    private static JsonNode row(JsonNode rows, String key) {
        for (JsonNode row : rows) {
            if (key.equals(row.get("Key").asText())) {
                return row;
            }
        }
        throw new AssertionError("no row with key " + key + " in " + rows);
    }
}
