package io.imagelib.testing;

import io.imagelib.schemas.registry.SchemaRegistries;
import io.imagelib.schemas.registry.SchemaRegistry;
import io.imagelib.schemas.serde.ConfluentAvroDeserializer;
import io.imagelib.schemas.serde.ConfluentAvroSerializer;
import io.imagelib.schemas.topics.TopicSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Produce and read catalogue records in tests, in the same wire format and registry the services use. */
public final class TypedKafka {

    private final String bootstrapServers;
    private final SchemaRegistry registry;

    public TypedKafka(String bootstrapServers, String registryUrl) {
        this.bootstrapServers = bootstrapServers;
        this.registry = SchemaRegistries.forUrl(registryUrl);
    }

    public SchemaRegistry registry() {
        return registry;
    }

    /** Sends one record (null value = tombstone) and waits for acks=all. */
    public <V extends SpecificRecord> RecordMetadata produce(TopicSpec<String, V> topic, String key, V value) {
        try (var producer = new KafkaProducer<>(producerConfig(), new StringSerializer(),
                new ConfluentAvroSerializer<V>(registry))) {
            return producer.send(new ProducerRecord<>(topic.name(), key, value)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot produce to " + topic.name(), e);
        }
    }

    /** Sends raw bytes, e.g. a poison record that is not Confluent Avro. */
    public RecordMetadata produceRaw(String topic, String key, byte[] value) {
        try (var producer = new KafkaProducer<>(producerConfig(), new StringSerializer(), new ByteArraySerializer())) {
            return producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot produce to " + topic, e);
        }
    }

    /** Everything in the topic now, from offset 0, in partition order. */
    public <V extends SpecificRecord> List<ConsumerRecord<String, V>> readAll(TopicSpec<String, V> topic) {
        try (var consumer = consumer(topic)) {
            List<TopicPartition> partitions = assignFromStart(consumer, topic.name());
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, V>> out = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Timed out reading " + topic.name() + " to its end");
                }
                consumer.poll(Duration.ofMillis(100)).forEach(out::add);
            }
            return out;
        }
    }

    /** Waits for a record that matches, reading from offset 0; fails after the timeout. */
    public <V extends SpecificRecord> ConsumerRecord<String, V> await(TopicSpec<String, V> topic,
                                                                      Predicate<ConsumerRecord<String, V>> match,
                                                                      Duration timeout) {
        try (var consumer = consumer(topic)) {
            assignFromStart(consumer, topic.name());
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(50))) {
                    if (match.test(record)) {
                        return record;
                    }
                }
            }
            throw new AssertionError("No matching record on " + topic.name() + " within " + timeout);
        }
    }

    /** A record parked on a dead-letter topic: its raw key and value and its headers as strings. */
    public record DeadLetter(String key, byte[] value, Map<String, String> headers) {
        public String header(String name) {
            return headers.get(name);
        }
    }

    /**
     * Waits until the dead-letter topic holds a record that matches (reading from offset 0) and returns every record
     * read until then; fails after the timeout.
     */
    public List<DeadLetter> awaitDeadLetters(String deadLetterTopic, Predicate<DeadLetter> match, Duration timeout) {
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            assignFromStart(consumer, deadLetterTopic);
            List<DeadLetter> read = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                    Map<String, String> headers = new LinkedHashMap<>();
                    record.headers().forEach(h -> headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8)));
                    read.add(new DeadLetter(record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8),
                            record.value(), headers));
                }
                if (read.stream().anyMatch(match)) {
                    return read;
                }
            }
            throw new AssertionError("No matching record on " + deadLetterTopic + " within " + timeout + "; read " + read);
        }
    }

    private Map<String, Object> producerConfig() {
        return Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    }

    private <V extends SpecificRecord> KafkaConsumer<String, V> consumer(TopicSpec<String, V> topic) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new ConfluentAvroDeserializer<>(registry, topic.valueType()));
    }

    private static List<TopicPartition> assignFromStart(KafkaConsumer<?, ?> consumer, String topic) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return partitions;
    }
}
