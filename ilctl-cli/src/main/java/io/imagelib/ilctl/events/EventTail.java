package io.imagelib.ilctl.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Follows a topic and prints each record as one JSON line
 * {@code {"topic","partition","offset","timestamp","key","value"}} until stopped, {@code max} records or the timeout.
 */
public final class EventTail {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaAccess kafka;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private volatile KafkaConsumer<String, SpecificRecord> consumer;

    public EventTail(KafkaAccess kafka) {
        this.kafka = kafka;
    }

    /** Prints records; returns how many. {@code max} and {@code timeout} are optional bounds. */
    public long follow(String topic, boolean fromBeginning, Optional<Long> max, Optional<Duration> timeout, PrintWriter out) {
        long printed = 0;
        try (KafkaConsumer<String, SpecificRecord> opened = kafka.consumer(topic)) {
            consumer = opened;
            if (fromBeginning) {
                opened.seekToBeginning(opened.assignment());
            } else {
                opened.seekToEnd(opened.assignment());
            }
            // Resolve the start positions now ("end" means now, not at the first poll), and start the clock only
            // then: connecting may take seconds on a busy machine, and --timeout bounds the reading, not the start.
            opened.assignment().forEach(opened::position);
            long deadline = timeout.map(t -> System.nanoTime() + t.toNanos()).orElse(Long.MAX_VALUE);
            while (!stopped.get() && System.nanoTime() < deadline && (max.isEmpty() || printed < max.get())) {
                for (ConsumerRecord<String, SpecificRecord> record : poll(opened, out)) {
                    out.println(line(record));
                    printed++;
                    if (max.isPresent() && printed >= max.get()) {
                        break;
                    }
                }
                out.flush();
            }
        } catch (WakeupException e) {
            // stop() from another thread (Ctrl-C): a normal end
        } finally {
            consumer = null;
        }
        out.flush();
        return printed;
    }

    /** Undecodable records are reported on the stream and skipped, so one poison record does not end the tail. */
    private static Iterable<ConsumerRecord<String, SpecificRecord>> poll(KafkaConsumer<String, SpecificRecord> consumer, PrintWriter out) {
        try {
            return consumer.poll(Duration.ofMillis(200));
        } catch (RecordDeserializationException e) {
            ObjectNode skipped = JSON.createObjectNode();
            skipped.put("topic", e.topicPartition().topic());
            skipped.put("partition", e.topicPartition().partition());
            skipped.put("offset", e.offset());
            skipped.put("error", "undecodable: " + e.getMessage());
            out.println(skipped);
            consumer.seek(e.topicPartition(), e.offset() + 1);
            return List.of();
        }
    }

    /** From another thread: ends {@link #follow} promptly. */
    public void stop() {
        stopped.set(true);
        KafkaConsumer<String, SpecificRecord> current = consumer;
        if (current != null) {
            current.wakeup();
        }
    }

    static String line(ConsumerRecord<String, SpecificRecord> record) {
        ObjectNode line = JSON.createObjectNode();
        line.put("topic", record.topic());
        line.put("partition", record.partition());
        line.put("offset", record.offset());
        line.put("timestamp", Instant.ofEpochMilli(record.timestamp()).toString());
        line.put("key", record.key());
        line.set("value", AvroJson.toJson(record.value()));
        return line.toString();
    }
}
