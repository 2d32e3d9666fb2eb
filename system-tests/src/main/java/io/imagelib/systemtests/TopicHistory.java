package io.imagelib.systemtests;

import io.imagelib.avro.AdminEndpoint;
import io.imagelib.avro.HostRole;
import io.imagelib.schemas.registry.SchemaRegistries;
import io.imagelib.schemas.serde.ConfluentAvroDeserializer;
import io.imagelib.schemas.topics.TopicSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A whole topic read once from offset 0 to its end, {@code read_committed} (as the services' subscribers read it:
 * records of aborted endpoint-service transactions are not part of the history), with partition, offset and
 * record timestamp. A compacted topic keeps its active segment whole, so in a run of minutes this is every record
 * ever written.
 */
public final class TopicHistory {

    /** One record; {@code value} null for a tombstone. */
    public record Entry(int partition, long offset, Instant timestamp, String key, SpecificRecord value) {
    }

    private TopicHistory() {
    }

    public static List<Entry> read(String bootstrapServers, String registryUrl, TopicSpec<String, ?> topic, Duration timeout) {
        try (var consumer = new KafkaConsumer<String, SpecificRecord>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new ConfluentAvroDeserializer<>(SchemaRegistries.forUrl(registryUrl), null))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // read_committed: the end is the last stable offset, so open transactions are not waited for.
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<Entry> entries = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Could not read " + topic.name() + " to its end " + end + " within " + timeout);
                }
                for (ConsumerRecord<String, SpecificRecord> r : consumer.poll(Duration.ofMillis(200))) {
                    entries.add(new Entry(r.partition(), r.offset(), Instant.ofEpochMilli(r.timestamp()), r.key(), r.value()));
                }
            }
            return entries;
        }
    }

    /** The admin-endpoint history in the checker's terms. */
    public static List<AdminHistoryChecker.AdminChange> adminChanges(List<Entry> adminEndpoint) {
        return adminEndpoint.stream().filter(e -> e.value() instanceof AdminEndpoint).map(e -> {
            AdminEndpoint a = (AdminEndpoint) e.value();
            return new AdminHistoryChecker.AdminChange(a.getRegion(), e.partition(), e.offset(), a.getHostId(), a.getEpoch(),
                    a.getReason().name(), a.getChangedAt());
        }).toList();
    }

    /** The host-roles history in the checker's terms: a tombstone has no region. */
    public static List<AdminHistoryChecker.RoleEvent> roleEvents(List<Entry> hostRoles) {
        return hostRoles.stream().map(e -> new AdminHistoryChecker.RoleEvent(e.key(),
                e.value() instanceof HostRole role ? role.getRegion() : null, e.timestamp())).toList();
    }
}
