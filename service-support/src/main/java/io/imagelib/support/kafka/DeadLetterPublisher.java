package io.imagelib.support.kafka;

import io.imagelib.schemas.topics.TopicSpec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.support.KafkaHeaders;

/**
 * Publishes raw records to dead-letter topics with the headers Spring Kafka's DeadLetterPublishingRecoverer uses, so a
 * DLT looks the same whoever parked the record. Records land on the DLT partition of their key (the producer's
 * partitioner), not on their source partition: a DLT has fewer partitions than its topic
 * ({@link io.imagelib.schemas.topics.TopicSpec#DLT_PARTITIONS}), and the source partition is in the
 * {@code kafka_dlt-original-partition} header, which {@code ilctl dlt replay} uses. Every parked record also
 * says which service instance parked it ({@value #PARKED_BY_HEADER}): several services read the same topic, and an
 * operator looking at a DLT in Kafka UI needs to know whose reader choked.
 */
public final class DeadLetterPublisher {

    public static final String PARKED_BY_HEADER = "imagelib_dlt_parked_by";

    private final KafkaTemplate<Object, byte[]> bytes;
    private final byte[] parkedBy;
    private final MeterRegistry meters;

    /**
     * @param parkedBy {@code <application name>/<instance id>}
     * @param meters   where {@code imagelib.kafka.dead.letters} (tag {@code topic}: the source topic) counts every
     *                 parked record, whichever path parked it
     */
    public DeadLetterPublisher(KafkaTemplate<Object, byte[]> bytes, String parkedBy, MeterRegistry meters) {
        this.bytes = bytes;
        this.parkedBy = parkedBy.getBytes(StandardCharsets.UTF_8);
        this.meters = meters;
    }

    public void publish(String deadLetterTopic, ConsumerRecord<byte[], byte[]> record, Exception cause) {
        var out = new ProducerRecord<Object, byte[]>(deadLetterTopic, null, record.key(), record.value());
        out.headers().add(KafkaHeaders.DLT_ORIGINAL_TOPIC, record.topic().getBytes(StandardCharsets.UTF_8));
        out.headers().add(KafkaHeaders.DLT_ORIGINAL_PARTITION, Integer.toString(record.partition()).getBytes(StandardCharsets.UTF_8));
        out.headers().add(KafkaHeaders.DLT_ORIGINAL_OFFSET, Long.toString(record.offset()).getBytes(StandardCharsets.UTF_8));
        out.headers().add(KafkaHeaders.DLT_EXCEPTION_FQCN, cause.getClass().getName().getBytes(StandardCharsets.UTF_8));
        out.headers().add(KafkaHeaders.DLT_EXCEPTION_MESSAGE,
                String.valueOf(cause.getMessage()).getBytes(StandardCharsets.UTF_8));
        parkedByHeaders().forEach(header -> out.headers().add(header));
        try {
            bytes.send(out).get(10, TimeUnit.SECONDS);
            countParked(record.topic());
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot park a poison record on " + deadLetterTopic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Spring's recoverer parking on {@code <topic>-dlt} by key (partition -1: Spring leaves the partition to the
     * producer; its default resolver keeps the source partition, which a smaller DLT does not have) with the same
     * parked-by header: raw records (deserialization failures) through this publisher's byte template, records that
     * were decoded but failed in a listener through {@code decodedRecords}.
     */
    public DeadLetterPublishingRecoverer recoverer(KafkaOperations<?, ?> decodedRecords) {
        Map<Class<?>, KafkaOperations<?, ?>> templates = new LinkedHashMap<>();
        templates.put(byte[].class, bytes);
        templates.put(Object.class, decodedRecords);
        var recoverer = new DeadLetterPublishingRecoverer(templates,
                (record, failure) -> new TopicPartition(record.topic() + TopicSpec.DLT_SUFFIX, -1)) {
            @Override
            public void accept(ConsumerRecord<?, ?> record, Consumer<?, ?> consumer, Exception failure) {
                super.accept(record, consumer, failure);
                countParked(record.topic());
            }
        };
        recoverer.setHeadersFunction((record, failure) -> parkedByHeaders());
        return recoverer;
    }

    private void countParked(String sourceTopic) {
        Counter.builder("imagelib.kafka.dead.letters")
                .description("records parked on <topic>-dlt because they cannot be decoded or a handler rejected them")
                .tag("topic", sourceTopic)
                .register(meters)
                .increment();
    }

    private Headers parkedByHeaders() {
        return new RecordHeaders().add(PARKED_BY_HEADER, parkedBy);
    }
}
