package io.imagelib.schemas.serde;

import io.imagelib.schemas.registry.SchemaRegistry;
import io.imagelib.schemas.topics.TopicSpec;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** Serdes for the catalogue's topics, e.g. for Kafka Streams and tests. */
public final class AvroSerdes {

    private AvroSerdes() {
    }

    public static <V extends SpecificRecord> Serde<V> value(SchemaRegistry registry, Class<V> type) {
        return Serdes.serdeFrom(new ConfluentAvroSerializer<>(registry), new ConfluentAvroDeserializer<>(registry, type));
    }

    public static <V extends SpecificRecord> Serde<V> value(SchemaRegistry registry, TopicSpec<String, V> topic) {
        return value(registry, topic.valueType());
    }
}
