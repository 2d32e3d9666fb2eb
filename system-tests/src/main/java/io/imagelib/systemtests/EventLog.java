package io.imagelib.systemtests;

import io.imagelib.schemas.registry.SchemaRegistries;
import io.imagelib.schemas.serde.ConfluentAvroDeserializer;
import io.imagelib.schemas.topics.TopicSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows some topics from the beginning, without a consumer group, and keeps every record with the
 * System.nanoTime it arrived here: "kill -> DOWN event" is then measured on one clock, this JVM's.
 */
public final class EventLog implements AutoCloseable {

    /** One record as received; {@code value} is null for a tombstone. */
    public record Event(String topic, String key, SpecificRecord value, long receivedNanos) {
    }

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final Thread poller;
    private volatile boolean running = true;

    private EventLog(KafkaConsumer<String, SpecificRecord> consumer) {
        this.poller = Thread.ofPlatform().daemon().name("ilsys-event-log").start(() -> {
            try (consumer) {
                while (running) {
                    for (ConsumerRecord<String, SpecificRecord> r : consumer.poll(Duration.ofMillis(20))) {
                        events.add(new Event(r.topic(), r.key(), r.value(), System.nanoTime()));
                    }
                }
            }
        });
    }

    public static EventLog follow(String bootstrapServers, String registryUrl, List<TopicSpec<String, ?>> topics) {
        Map<String, Object> config = new HashMap<>(KafkaReplicas.CLIENT_FAILOVER);
        config.putAll(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                // What subscribers see: the election's records exist once its transaction commits; an aborted
                // one (endpoint-service killed mid-transaction) must not count as a published admin.
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10));
        var consumer = new KafkaConsumer<String, SpecificRecord>(config,
                new StringDeserializer(), new ConfluentAvroDeserializer<>(SchemaRegistries.forUrl(registryUrl), null));
        List<TopicPartition> partitions = new ArrayList<>();
        for (TopicSpec<String, ?> topic : topics) {
            consumer.partitionsFor(topic.name()).forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return new EventLog(consumer);
    }

    /** The first event after {@code sinceNanos} on the topic matching the predicate, waiting up to {@code timeout}. */
    public <V extends SpecificRecord> Optional<Event> await(TopicSpec<String, V> topic, long sinceNanos, Predicate<Event> matching,
                                                            Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        do {
            for (Event e : events) {
                if (e.topic().equals(topic.name()) && e.receivedNanos() >= sinceNanos && matching.test(e)) {
                    return Optional.of(e);
                }
            }
            GlanceHosts.sleep(Duration.ofMillis(5));
        } while (System.nanoTime() < deadline);
        return Optional.empty();
    }

    /** Every event of the topic for {@code key} so far, in arrival order. */
    public List<Event> all(TopicSpec<String, ?> topic, String key) {
        return events.stream().filter(e -> e.topic().equals(topic.name()) && key.equals(e.key())).toList();
    }

    /** The latest value per key of the topic so far (compacted-topic view). */
    public <V extends SpecificRecord> Optional<V> latest(TopicSpec<String, V> topic, String key) {
        V latest = null;
        for (Event e : events) {
            if (e.topic().equals(topic.name()) && key.equals(e.key())) {
                @SuppressWarnings("unchecked") V value = (V) e.value();
                latest = value;
            }
        }
        return Optional.ofNullable(latest);
    }

    @Override
    public void close() {
        running = false;
        try {
            poller.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Every event of the topic received so far, in arrival order. */
    public List<Event> events(TopicSpec<String, ?> topic) {
        return events.stream().filter(e -> e.topic().equals(topic.name())).toList();
    }
}
