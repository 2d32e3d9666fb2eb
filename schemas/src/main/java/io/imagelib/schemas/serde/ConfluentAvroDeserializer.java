package io.imagelib.schemas.serde;

import io.imagelib.schemas.registry.SchemaRegistries;
import io.imagelib.schemas.registry.SchemaRegistry;
import io.imagelib.schemas.registry.SchemaRegistryException;
import io.imagelib.schemas.topics.Topics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent wire-format Avro into generated classes, resolving the writer's schema (fetched by id and
 * cached) against the reader's compiled schema, so old and new producers keep working during an upgrade.
 * The target class is the one given, or else the generated class named by the writer schema. A writer schema of
 * another type than the topic carries (the target class, or the catalogue's value type when constructed by Kafka
 * or Kafka UI without one) is refused with {@link RegistryInconsistentException}, never decoded. Failures are typed
 * for {@link DecodeFailure#classify}: undecodable bytes, registry faults, registry inconsistency.
 */
public class ConfluentAvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    static {
        TrustedAvroTypes.install();
    }


    private SchemaRegistry registry;
    private Class<T> targetType;
    private final Map<Integer, SpecificDatumReader<T>> readersByWriterId = new ConcurrentHashMap<>();

    /** For Kafka's reflective construction; {@link #configure} must follow. */
    public ConfluentAvroDeserializer() {
    }

    public ConfluentAvroDeserializer(SchemaRegistry registry, Class<T> targetType) {
        this.registry = registry;
        this.targetType = targetType;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (registry == null) {
            registry = SchemaRegistries.forUrl((String) configs.get(SchemaRegistries.URL_CONFIG));
        }
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        ByteBuffer frame = ByteBuffer.wrap(data);
        int writerId;
        try {
            writerId = AvroWireFormat.readSchemaId(frame);
        } catch (IllegalArgumentException notFramed) {
            throw new UndecodableRecordException(cannotDeserialize(topic, notFramed), notFramed);
        }
        SpecificDatumReader<T> reader;
        try {
            reader = readerFor(topic, writerId);
        } catch (SchemaRegistryException registryFault) {
            throw new SerializationException(cannotDeserialize(topic, registryFault), registryFault);
        }
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, frame.position(), frame.remaining(), null);
            return reader.read(null, decoder);
        } catch (IOException | RuntimeException badBody) {
            throw new UndecodableRecordException(cannotDeserialize(topic, badBody), badBody);
        }
    }

    private static String cannotDeserialize(String topic, Exception cause) {
        return "Cannot deserialize a record of topic " + topic + ": " + cause.getMessage();
    }

    /**
     * The reader for a writer schema id, after checking that the registry names a version of the topic's value type
     * for it: a registry that restarted empty may have given the id to another schema.
     */
    private SpecificDatumReader<T> readerFor(String topic, int writerId) {
        SpecificDatumReader<T> cached = readersByWriterId.get(writerId);
        Schema writer = cached != null ? cached.getSchema() : registry.getSchemaById(writerId);
        String topicType = topicValueType(topic);
        if (topicType != null && !topicType.equals(writer.getFullName())) {
            readersByWriterId.remove(writerId);
            registry.forget(writerId);
            throw new RegistryInconsistentException(topic, writerId, writer.getFullName(), topicType);
        }
        return cached != null ? cached
                : readersByWriterId.computeIfAbsent(writerId, id -> new SpecificDatumReader<>(writer, readerSchema(writer)));
    }

    /** The value type the topic carries: the target class, else the catalogue's entry; null for a topic it lacks. */
    private String topicValueType(String topic) {
        if (targetType != null) {
            return SpecificData.get().getSchema(targetType).getFullName();
        }
        return Topics.byName(topic).map(spec -> SpecificData.get().getSchema(spec.valueType()).getFullName()).orElse(null);
    }

    private Schema readerSchema(Schema writer) {
        if (targetType != null) {
            return SpecificData.get().getSchema(targetType);
        }
        Class<?> generated = SpecificData.get().getClass(writer);
        if (generated == null) {
            throw new UndecodableRecordException("No generated class for " + writer.getFullName() + " on the classpath", null);
        }
        return SpecificData.get().getSchema(generated);
    }
}
