package io.imagelib.schemas.serde;

import io.imagelib.schemas.registry.SchemaRegistries;
import io.imagelib.schemas.registry.SchemaRegistry;
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
 * The target class is the one given, or else the generated class named by the writer schema.
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
        try {
            ByteBuffer frame = ByteBuffer.wrap(data);
            int writerId = AvroWireFormat.readSchemaId(frame);
            BinaryDecoder decoder = DecoderFactory.get()
                    .binaryDecoder(data, frame.position(), frame.remaining(), null);
            return readersByWriterId.computeIfAbsent(writerId, this::readerFor).read(null, decoder);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot deserialize a record of topic " + topic + ": " + e.getMessage(), e);
        }
    }

    private SpecificDatumReader<T> readerFor(int writerId) {
        Schema writer = registry.getSchemaById(writerId);
        Schema reader = readerSchema(writer);
        return new SpecificDatumReader<>(writer, reader);
    }

    private Schema readerSchema(Schema writer) {
        if (targetType != null) {
            return SpecificData.get().getSchema(targetType);
        }
        Class<?> generated = SpecificData.get().getClass(writer);
        if (generated == null) {
            throw new SerializationException("No generated class for " + writer.getFullName() + " on the classpath");
        }
        return SpecificData.get().getSchema(generated);
    }
}
