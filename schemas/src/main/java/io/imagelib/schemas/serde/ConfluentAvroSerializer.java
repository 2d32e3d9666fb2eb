package io.imagelib.schemas.serde;

import io.imagelib.schemas.registry.SchemaRegistries;
import io.imagelib.schemas.registry.SchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serializes generated Avro records in the Confluent wire format under the TopicNameStrategy subject
 * ({@code <topic>-value}). Configure it from Kafka properties ({@code schema.registry.url}) or hand it a registry.
 * Null values stay null: they are tombstones on compacted topics.
 */
public class ConfluentAvroSerializer<T extends SpecificRecord> implements Serializer<T> {

    static {
        TrustedAvroTypes.install();
    }


    private SchemaRegistry registry;
    private boolean isKey;
    private final Map<String, Integer> idsBySubjectAndSchema = new ConcurrentHashMap<>();
    private final Map<Schema, SpecificDatumWriter<T>> writers = new ConcurrentHashMap<>();

    /** For Kafka's reflective construction; {@link #configure} must follow. */
    public ConfluentAvroSerializer() {
    }

    public ConfluentAvroSerializer(SchemaRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.isKey = isKey;
        if (registry == null) {
            registry = SchemaRegistries.forUrl((String) configs.get(SchemaRegistries.URL_CONFIG));
        }
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        Schema schema = record.getSchema();
        String subject = topic + (isKey ? "-key" : "-value");
        try {
            int id = idsBySubjectAndSchema.computeIfAbsent(subject + '\n' + schema.getFullName() + schema.hashCode(),
                    k -> registry.register(subject, schema));
            ByteArrayOutputStream out = new ByteArrayOutputStream(128);
            out.write(new byte[AvroWireFormat.HEADER_SIZE]);
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            writers.computeIfAbsent(schema, SpecificDatumWriter::new).write(record, encoder);
            encoder.flush();
            byte[] frame = out.toByteArray();
            AvroWireFormat.writeHeader(frame, id);
            return frame;
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot serialize " + schema.getFullName() + " for topic " + topic + ": "
                    + e.getMessage(), e);
        }
    }
}
