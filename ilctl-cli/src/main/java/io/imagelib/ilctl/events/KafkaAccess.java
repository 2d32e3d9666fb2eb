package io.imagelib.ilctl.events;

import io.imagelib.ilctl.ExitCode;
import io.imagelib.ilctl.IlctlException;
import io.imagelib.schemas.registry.SchemaRegistries;
import io.imagelib.schemas.serde.ConfluentAvroDeserializer;
import io.imagelib.schemas.topics.TopicSpec;
import io.imagelib.schemas.topics.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Read-only access to our topics without a consumer group: ilctl never commits offsets nor joins a group, so it
 * cannot disturb the services' consumers. Values are decoded with the schema registry into the generated classes.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param registryUrl      Confluent-compatible schema registry base URL
 */
public record KafkaAccess(String bootstrapServers, String registryUrl) {

    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);

    /** A consumer assigned to every partition of {@code topic}; the caller seeks. */
    public KafkaConsumer<String, SpecificRecord> consumer(String topic) {
        Properties props = consumerProperties(bootstrapServers, "ilctl");
        Class<SpecificRecord> valueType = Topics.byName(topic).map(KafkaAccess::valueType).orElse(null);
        KafkaConsumer<String, SpecificRecord> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ConfluentAvroDeserializer<>(SchemaRegistries.forUrl(registryUrl), valueType));
        try {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, METADATA_TIMEOUT);
            if (partitions == null || partitions.isEmpty()) {
                consumer.close();
                throw new IlctlException(ExitCode.USAGE, "Kafka at " + bootstrapServers
                        + " has no topic " + topic + "; the topics are " + Topics.ALL.stream().map(TopicSpec::name).toList());
            }
            consumer.assign(partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList());
            return consumer;
        } catch (KafkaException e) {
            consumer.close(Duration.ZERO);
            throw IlctlException.unreachable("Kafka at " + bootstrapServers, e);
        }
    }

    /**
     * ilctl's consumers: no auto-commit, no topic auto-creation, bounded waits for metadata, and only committed
     * records (role-service writes host-roles in transactions; an aborted record was never a role).
     */
    public static Properties consumerProperties(String bootstrapServers, String clientId) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // A mistyped topic name must not create a topic on brokers that auto-create.
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) METADATA_TIMEOUT.toMillis());
        props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) METADATA_TIMEOUT.toMillis());
        return props;
    }

    /** Offsets where the partitions end now: reading up to them is reading the topic's current state. */
    public static Map<TopicPartition, Long> endOffsets(KafkaConsumer<?, ?> consumer) {
        try {
            return consumer.endOffsets(consumer.assignment(), METADATA_TIMEOUT);
        } catch (KafkaException e) {
            throw IlctlException.unreachable("Kafka", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Class<SpecificRecord> valueType(TopicSpec<String, ?> spec) {
        return (Class<SpecificRecord>) spec.valueType();
    }
}
