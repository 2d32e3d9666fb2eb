package io.imagelib.ilctl.events;

import io.imagelib.ilctl.output.HumanDuration;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import io.imagelib.ilctl.IlctlException;

/** The current state of a compacted topic: the latest value per key, tombstones removing the key. */
public final class TopicState {

    private TopicState() {
    }

    public static <V extends SpecificRecord> Map<String, V> read(KafkaAccess kafka, String topic, Class<V> type, Duration timeout) {
        Map<String, V> latest = new LinkedHashMap<>();
        try (KafkaConsumer<String, SpecificRecord> consumer = kafka.consumer(topic)) {
            consumer.seekToBeginning(consumer.assignment());
            Map<TopicPartition, Long> end = KafkaAccess.endOffsets(consumer);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!caughtUp(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw IlctlException.timedOut("Reading " + topic + " did not reach its end within " + HumanDuration.of(timeout));
                }
                for (ConsumerRecord<String, SpecificRecord> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() == null) {
                        latest.remove(record.key());
                    } else {
                        latest.put(record.key(), type.cast(record.value()));
                    }
                }
            }
        }
        return latest;
    }

    private static boolean caughtUp(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }
}
