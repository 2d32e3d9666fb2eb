package io.imagelib.support.kafka;

import io.imagelib.schemas.registry.SchemaRegistry;
import io.imagelib.schemas.serde.ConfluentAvroDeserializer;
import io.imagelib.schemas.topics.TopicSpec;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** Builds {@link CompactedTopicReader}s with the service's Kafka client settings; declare each as a bean. */
public final class StateReaderFactory {

    private final Map<String, Object> consumerConfig;
    private final SchemaRegistry registry;
    private final DeadLetterPublisher deadLetters;
    private final BlockedConsumers blocked;
    private final String instanceId;

    public StateReaderFactory(Map<String, Object> consumerConfig, SchemaRegistry registry,
                              DeadLetterPublisher deadLetters, BlockedConsumers blocked, String instanceId) {
        this.consumerConfig = Map.copyOf(consumerConfig);
        this.registry = registry;
        this.deadLetters = deadLetters;
        this.blocked = blocked;
        this.instanceId = instanceId;
    }

    public <V extends SpecificRecord> CompactedTopicReader<V> reader(TopicSpec<String, V> topic,
                                                                     CompactedTopicReader.Handler<V> handler,
                                                                     Runnable... onCaughtUp) {
        return new CompactedTopicReader<>(topic, consumerConfig, new ConfluentAvroDeserializer<>(registry, topic.valueType()),
                handler, deadLetters, blocked, instanceId, List.of(onCaughtUp));
    }
}
