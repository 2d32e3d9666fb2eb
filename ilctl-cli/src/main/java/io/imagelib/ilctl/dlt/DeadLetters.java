package io.imagelib.ilctl.dlt;

import io.imagelib.ilctl.ExitCode;
import io.imagelib.ilctl.IlctlException;
import io.imagelib.ilctl.dlt.ReplayPlan.Action;
import io.imagelib.ilctl.dlt.ReplayPlan.Step;
import io.imagelib.ilctl.events.KafkaAccess;
import io.imagelib.schemas.topics.TopicSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Reads a dead-letter topic raw and sends its records back to their original topic. Replay progress is the committed
 * offset of consumer group {@value #REPLAY_GROUP} on each DLT partition, committed only after every send of the run was
 * acknowledged (acks=all): Kafka's own bookkeeping, visible in Kafka UI and {@code kafka-consumer-groups.sh}, where an
 * operator can also reset it to replay again; a marker header would need the parked records rewritten, which Kafka
 * cannot do. A crash between the sends and the commit sends those records again on the next run (at least once).
 */
public final class DeadLetters {

    public static final String REPLAY_GROUP = "ilctl-dlt-replay";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final String bootstrapServers;

    public DeadLetters(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /** Every record on {@code spec}'s DLT up to where it ends now. */
    public List<ParkedRecord> list(TopicSpec<String, ?> spec) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(Optional.empty())) {
            return readFromPosition(consumer, assign(consumer, spec.deadLetterTopic())).stream().map(DeadLetters::parked).toList();
        } catch (KafkaException e) {
            throw IlctlException.unreachable("Kafka at " + bootstrapServers, e);
        }
    }

    /** Plans the replay of {@code spec}'s DLT and, unless {@code dryRun}, carries it out. */
    public List<Step> replay(TopicSpec<String, ?> spec, boolean dryRun) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(Optional.of(REPLAY_GROUP))) {
            List<TopicPartition> partitions = assign(consumer, spec.deadLetterTopic());
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, TIMEOUT);
            List<ParkedRecord> parked = readFromPosition(consumer, partitions).stream().map(DeadLetters::parked).toList();
            Map<Integer, Long> committed = new HashMap<>();
            consumer.committed(Set.copyOf(partitions), TIMEOUT).forEach((tp, offset) -> {
                if (offset != null) {
                    committed.put(tp.partition(), offset.offset());
                }
            });
            Optional<Map<Integer, Map<String, Long>>> newest = spec.compacted()
                    ? Optional.of(newestOffsetByKey(spec.name(), parked)) : Optional.empty();
            List<Step> plan = ReplayPlan.plan(parked, committed, newest);
            if (!dryRun) {
                send(spec.name(), plan);
                // Only after every send was acknowledged: a failed run replays the same records next time.
                consumer.commitSync(ends.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                        e -> new OffsetAndMetadata(e.getValue()))), TIMEOUT);
            }
            return plan;
        } catch (KafkaException e) {
            throw IlctlException.unreachable("Kafka at " + bootstrapServers, e);
        }
    }

    private void send(String topic, List<Step> plan) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "ilctl-dlt-replay");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) TIMEOUT.toMillis());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            for (Step step : plan) {
                if (step.action() == Action.SEND) {
                    sends.add(producer.send(replayOf(topic, step.record())));
                }
            }
            for (Future<RecordMetadata> sent : sends) {
                sent.get(TIMEOUT.toMillis() * 3, TimeUnit.MILLISECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw IlctlException.unreachable("Kafka at " + bootstrapServers + " (a replayed record was not acknowledged; nothing "
                    + "was marked replayed, run replay again)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while replaying", e);
        }
    }

    /** Raw key and value to the original partition (the DLT keeps it; the header says it when the DLT's differs). */
    static ProducerRecord<byte[], byte[]> replayOf(String topic, ParkedRecord parked) {
        int partition = parked.originalPartition().orElse(parked.partition());
        var record = new ProducerRecord<>(topic, partition, parked.key(), parked.value());
        parked.originalHeaders().forEach(h -> record.headers().add(h.name(), h.value()));
        record.headers().add(new RecordHeader(ParkedRecord.REPLAYED_FROM,
                (topic + TopicSpec.DLT_SUFFIX + "/" + parked.partition() + "/" + parked.offset()).getBytes(StandardCharsets.UTF_8)));
        return record;
    }

    /** Newest offset of each key on the original partitions the parked records came from, from the oldest of them on. */
    private Map<Integer, Map<String, Long>> newestOffsetByKey(String topic, List<ParkedRecord> parked) {
        Map<Integer, Long> from = new HashMap<>();
        parked.forEach(p -> p.originalPartition().ifPresent(partition -> p.originalOffset().ifPresent(offset ->
                from.merge(partition, offset, Math::min))));
        Map<Integer, Map<String, Long>> newest = new HashMap<>();
        if (from.isEmpty()) {
            return newest;
        }
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(Optional.empty())) {
            List<TopicPartition> partitions = from.keySet().stream().map(p -> new TopicPartition(topic, p)).toList();
            consumer.assign(partitions);
            partitions.forEach(tp -> consumer.seek(tp, from.get(tp.partition())));
            for (ConsumerRecord<byte[], byte[]> record : readFromPosition(consumer, partitions)) {
                if (record.key() != null) {
                    newest.computeIfAbsent(record.partition(), p -> new HashMap<>())
                            .merge(new String(record.key(), StandardCharsets.UTF_8), record.offset(), Math::max);
                }
            }
        }
        return newest;
    }

    private KafkaConsumer<byte[], byte[]> consumer(Optional<String> group) {
        Properties props = KafkaAccess.consumerProperties(bootstrapServers, "ilctl-dlt");
        group.ifPresent(id -> props.put(ConsumerConfig.GROUP_ID_CONFIG, id));
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private List<TopicPartition> assign(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic, TIMEOUT);
        if (partitions == null || partitions.isEmpty()) {
            throw new IlctlException(ExitCode.USAGE, "Kafka at " + bootstrapServers + " has no topic " + topic
                    + "; services create the dead-letter topics with the catalogue (ilctl up, or their first start)");
        }
        List<TopicPartition> assigned = partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(assigned);
        consumer.seekToBeginning(assigned);
        return assigned;
    }

    /** From each partition's position up to its end offset as of now. */
    private List<ConsumerRecord<byte[], byte[]>> readFromPosition(KafkaConsumer<byte[], byte[]> consumer,
                                                                          List<TopicPartition> partitions) {
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, TIMEOUT);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        long deadline = System.nanoTime() + TIMEOUT.toNanos() * 3;
        while (partitions.stream().anyMatch(tp -> consumer.position(tp, TIMEOUT) < ends.get(tp))) {
            if (System.nanoTime() > deadline) {
                throw new IlctlException(ExitCode.UNREACHABLE, "Kafka at " + bootstrapServers
                        + " did not deliver " + partitions.getFirst().topic() + " up to its end within " + TIMEOUT.toSeconds() * 3 + " s");
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.offset() < ends.get(new TopicPartition(record.topic(), record.partition()))) {
                    records.add(record);
                }
            }
        }
        return records;
    }

    private static ParkedRecord parked(ConsumerRecord<byte[], byte[]> record) {
        List<ParkedRecord.Header> headers = new ArrayList<>();
        record.headers().forEach(h -> headers.add(new ParkedRecord.Header(h.key(), h.value())));
        return new ParkedRecord(record.partition(), record.offset(), Instant.ofEpochMilli(record.timestamp()), record.key(),
                record.value(), headers);
    }
}
