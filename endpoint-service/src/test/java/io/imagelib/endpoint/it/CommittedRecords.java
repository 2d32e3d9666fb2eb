package io.imagelib.endpoint.it;

import io.imagelib.schemas.registry.SchemaRegistries;
import io.imagelib.schemas.serde.ConfluentAvroDeserializer;
import io.imagelib.schemas.topics.TopicSpec;
import io.imagelib.testing.KafkaTestBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a topic as subscribers do, {@code read_committed}: only what the election's transactions committed.
 * {@link #follow} tails it from the end on a thread of its own and stamps each record's arrival time.
 */
final class CommittedRecords<V extends SpecificRecord> implements AutoCloseable {

    record Arrival<V>(V value, long arrivedNanos) {
    }

    private final KafkaConsumer<String, V> consumer;
    private final List<TopicPartition> partitions;
    private final BlockingQueue<Arrival<V>> arrivals = new LinkedBlockingQueue<>();
    private volatile boolean following;
    private Thread thread;

    CommittedRecords(String bootstrapServers, TopicSpec<String, V> topic) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(),
                new ConfluentAvroDeserializer<>(SchemaRegistries.forUrl(KafkaTestBroker.REGISTRY_URL), topic.valueType()));
        partitions = consumer.partitionsFor(topic.name()).stream()
                .map(p -> new TopicPartition(topic.name(), p.partition())).toList();
        consumer.assign(partitions);
    }

    /** Every committed record from offset 0 up to the current end. */
    static <V extends SpecificRecord> List<ConsumerRecord<String, V>> readAll(String bootstrapServers,
                                                                              TopicSpec<String, V> topic) {
        try (var reader = new CommittedRecords<>(bootstrapServers, topic)) {
            reader.consumer.seekToBeginning(reader.partitions);
            Map<TopicPartition, Long> end = reader.consumer.endOffsets(reader.partitions);
            List<ConsumerRecord<String, V>> out = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (end.entrySet().stream().anyMatch(e -> reader.consumer.position(e.getKey()) < e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Timed out reading " + topic.name());
                }
                reader.consumer.poll(Duration.ofMillis(100)).forEach(out::add);
            }
            return out;
        }
    }

    /** Tails the topic from its current end; arrivals queue up for {@link #next}. */
    CommittedRecords<V> follow() {
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        following = true;
        thread = Thread.ofPlatform().daemon().name("committed-tail").start(() -> {
            try {
                while (following) {
                    for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(100))) {
                        arrivals.add(new Arrival<>(record.value(), System.nanoTime()));
                    }
                }
            } catch (WakeupException stopping) {
                // close() woke the consumer
            }
        });
        return this;
    }

    Arrival<V> next(Duration timeout) throws InterruptedException {
        Arrival<V> arrival = arrivals.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (arrival == null) {
            throw new AssertionError("Nothing committed within " + timeout);
        }
        return arrival;
    }

    @Override
    public void close() {
        if (thread != null) {
            following = false;
            consumer.wakeup();
            try {
                thread.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        consumer.close();
    }
}
