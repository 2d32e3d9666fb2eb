package io.imagelib.support.kafka;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.KafkaHeaders;

/**
 * Publishes raw records to dead-letter topics with the same partition and the headers Spring Kafka's
 * DeadLetterPublishingRecoverer uses, so a DLT looks the same whoever parked the record.
 */
public final class DeadLetterPublisher {

    private final KafkaTemplate<Object, byte[]> bytes;

    public DeadLetterPublisher(KafkaTemplate<Object, byte[]> bytes) {
        this.bytes = bytes;
    }

    public KafkaTemplate<Object, byte[]> template() {
        return bytes;
    }

    public void publish(String deadLetterTopic, ConsumerRecord<byte[], byte[]> record, Exception cause) {
        var out = new ProducerRecord<Object, byte[]>(deadLetterTopic, record.partition(), record.key(), record.value());
        out.headers().add(KafkaHeaders.DLT_ORIGINAL_TOPIC, record.topic().getBytes(StandardCharsets.UTF_8));
        out.headers().add(KafkaHeaders.DLT_ORIGINAL_PARTITION, Integer.toString(record.partition()).getBytes(StandardCharsets.UTF_8));
        out.headers().add(KafkaHeaders.DLT_ORIGINAL_OFFSET, Long.toString(record.offset()).getBytes(StandardCharsets.UTF_8));
        out.headers().add(KafkaHeaders.DLT_EXCEPTION_FQCN, cause.getClass().getName().getBytes(StandardCharsets.UTF_8));
        out.headers().add(KafkaHeaders.DLT_EXCEPTION_MESSAGE,
                String.valueOf(cause.getMessage()).getBytes(StandardCharsets.UTF_8));
        try {
            bytes.send(out).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot park a poison record on " + deadLetterTopic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
