package io.imagelib.support.kafka;

import io.imagelib.schemas.serde.DecodeFailure;
import io.imagelib.schemas.topics.TopicSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Reads a whole compacted state topic from offset 0, every partition, without a consumer group, and keeps
 * following it: every instance of a service sees the full state, like a GlobalKTable. It reports itself caught up
 * once it has passed the end offsets that existed when it started, which is what readiness waits for.
 * Records that cannot be decoded go to {@code <topic>-dlt} with their raw bytes; reading goes on. A healthy record
 * that cannot be read because of the registry (unknown schema id, registry down, registry inconsistent: see
 * {@link DecodeFailure}) is never parked: its partition pauses at that record and retries with backoff, while the
 * other partitions go on, until the fault is gone; {@link BlockedConsumers} reports it meanwhile.
 */
public final class CompactedTopicReader<V extends SpecificRecord> implements SmartLifecycle, CatchUp {

    /** Receives every record in partition order; a null value is a tombstone. */
    @FunctionalInterface
    public interface Handler<V> {
        void onRecord(String key, V value);
    }

    private static final Logger log = LoggerFactory.getLogger(CompactedTopicReader.class);
    private static final Duration POLL = Duration.ofMillis(100);
    /** The {@code consumer} tag of this reader's blocked metrics and readiness details. */
    static final String CONSUMER = "state-reader";

    private final TopicSpec<String, V> topic;
    private final Map<String, Object> consumerConfig;
    private final Deserializer<V> valueDeserializer;
    private final Handler<V> handler;
    private final DeadLetterPublisher deadLetters;
    private final BlockedConsumers blocked;
    /** Partitions paused on a held record, and when (System.nanoTime) to try it again; reader thread only. */
    private final Map<TopicPartition, Long> retryAt = new HashMap<>();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final List<Runnable> onCaughtUp;
    /** Per partition, the offset after the last record handed to the handler; lets writers read their own writes. */
    private final Map<Integer, Long> appliedUpTo = new ConcurrentHashMap<>();
    private final Object progress = new Object();
    private volatile boolean running;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;

    CompactedTopicReader(TopicSpec<String, V> topic, Map<String, Object> baseConsumerConfig, Deserializer<V> valueDeserializer,
                         Handler<V> handler, DeadLetterPublisher deadLetters, BlockedConsumers blocked, String clientId,
                         List<Runnable> onCaughtUp) {
        this.topic = topic;
        this.valueDeserializer = valueDeserializer;
        this.handler = handler;
        this.deadLetters = deadLetters;
        this.blocked = blocked;
        this.onCaughtUp = List.copyOf(onCaughtUp);
        Map<String, Object> config = new HashMap<>(baseConsumerConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // State is what was committed: a fenced writer's aborted transaction must never reach a handler.
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-" + topic.name());
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.consumerConfig = config;
    }

    public TopicSpec<String, V> topic() {
        return topic;
    }

    @Override
    public String catchUpName() {
        return topic.name();
    }

    @Override
    public boolean isCaughtUp() {
        return caughtUp.getCount() == 0;
    }

    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Waits until the record at {@code offset} of {@code partition} has been handed to the handler, so a writer that
     * just had a record acknowledged decides its next step on state that includes it (read-your-writes).
     *
     * @return false if the reader did not get there within the timeout
     */
    public boolean awaitApplied(int partition, long offset, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (appliedUpTo.getOrDefault(partition, 0L) <= offset) {
                long leftMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (leftMillis <= 0) {
                    return false;
                }
                progress.wait(leftMillis);
            }
            return true;
        }
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = Thread.ofPlatform().daemon().name("state-reader-" + topic.name()).start(this::run);
    }

    @Override
    public synchronized void stop() {
        running = false;
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void run() {
        try (KafkaConsumer<byte[], byte[]> kafka = new KafkaConsumer<>(consumerConfig)) {
            consumer = kafka;
            List<TopicPartition> partitions = kafka.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            kafka.assign(partitions);
            kafka.seekToBeginning(partitions);
            Map<TopicPartition, Long> startEnd = kafka.endOffsets(partitions);
            while (running) {
                resumeDue(kafka);
                ConsumerRecords<byte[], byte[]> records = kafka.poll(POLL);
                for (TopicPartition partition : records.partitions()) {
                    for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
                        if (!deliver(kafka, partition, record)) {
                            break; // held: the partition resumes from this record
                        }
                        appliedUpTo.put(record.partition(), record.offset() + 1);
                    }
                }
                // Transaction markers and aborted records move the position without a record: count them as read.
                partitions.forEach(p -> appliedUpTo.merge(p.partition(), kafka.position(p), Math::max));
                synchronized (progress) {
                    progress.notifyAll();
                }
                if (!isCaughtUp() && startEnd.entrySet().stream().allMatch(e -> kafka.position(e.getKey()) >= e.getValue())) {
                    log.info("Caught up with {} ({} partitions)", topic.name(), partitions.size());
                    caughtUp.countDown();
                    onCaughtUp.forEach(Runnable::run);
                }
            }
        } catch (WakeupException stopping) {
            // stop() woke the consumer
        } catch (RuntimeException e) {
            log.error("State reader of {} stopped: {}", topic.name(), e.toString(), e);
            running = false;
        }
    }

    private void resumeDue(KafkaConsumer<byte[], byte[]> kafka) {
        long now = System.nanoTime();
        List<TopicPartition> due = retryAt.entrySet().stream().filter(e -> now - e.getValue() >= 0)
                .map(Map.Entry::getKey).toList();
        due.forEach(retryAt::remove);
        kafka.resume(due);
    }

    /** @return false if the record is held: its partition is paused and will be read again from it */
    private boolean deliver(KafkaConsumer<byte[], byte[]> kafka, TopicPartition partition, ConsumerRecord<byte[], byte[]> record) {
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        V value;
        try {
            value = valueDeserializer.deserialize(record.topic(), record.value());
        } catch (RuntimeException failure) {
            DecodeFailure cause = DecodeFailure.classify(failure);
            if (!cause.isPoison()) {
                Duration pause = blocked.failed(CONSUMER, record.topic(), record.partition(), record.offset(), cause, failure);
                kafka.seek(partition, record.offset());
                kafka.pause(List.of(partition));
                retryAt.put(partition, System.nanoTime() + pause.toNanos());
                return false;
            }
            log.warn("Undecodable record {}-{}@{} sent to {}: {}", record.topic(), record.partition(), record.offset(),
                    topic.deadLetterTopic(), failure.getMessage());
            deadLetters.publish(topic.deadLetterTopic(), record, failure);
            // It may have been held for the registry first: judged now, the partition reads on.
            blocked.delivered(CONSUMER, record.topic(), record.partition());
            return true;
        }
        blocked.delivered(CONSUMER, record.topic(), record.partition());
        try {
            handler.onRecord(key, value);
        } catch (RuntimeException failure) {
            log.error("Handler failed on {}-{}@{} (key {}), sent to {}", record.topic(), record.partition(),
                    record.offset(), key, topic.deadLetterTopic(), failure);
            deadLetters.publish(topic.deadLetterTopic(), record, failure);
        }
        return true;
    }
}
