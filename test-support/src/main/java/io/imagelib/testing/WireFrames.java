package io.imagelib.testing;

import io.imagelib.schemas.registry.InMemorySchemaRegistry;
import io.imagelib.schemas.serde.AvroWireFormat;
import io.imagelib.schemas.serde.ConfluentAvroSerializer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * Confluent frames built by hand, for tests of what readers do with a schema id the registry does not know (yet):
 * the record as a later version of its schema wrote it, so registering that version gives the id a schema.
 */
public final class WireFrames {

    private static final String LATER_FIELD = "addedInALaterVersion";

    private WireFrames() {
    }

    /** The type's schema with one more optional field: the same type, a version the registry has not seen. */
    public static Schema laterVersion(Schema schema) {
        List<Schema.Field> fields = new ArrayList<>();
        schema.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
        fields.add(new Schema.Field(LATER_FIELD,
                Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)), null,
                JsonProperties.NULL_VALUE));
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }

    /** The record as {@link #laterVersion} writes it (the new field null), framed with {@code schemaId}. */
    public static byte[] framedAsLaterVersion(int schemaId, SpecificRecord record) {
        // The added field comes last and is null: its union branch index 0, one zero byte after the record's own body.
        return frame(schemaId, body(record), 1);
    }

    /** The record written with its own schema, framed with {@code schemaId} (which may name another schema). */
    public static byte[] framed(int schemaId, SpecificRecord record) {
        return frame(schemaId, body(record), 0);
    }

    private static byte[] frame(int schemaId, byte[] body, int zeroBytesAfter) {
        byte[] frame = new byte[AvroWireFormat.HEADER_SIZE + body.length + zeroBytesAfter];
        AvroWireFormat.writeHeader(frame, schemaId);
        System.arraycopy(body, 0, frame, AvroWireFormat.HEADER_SIZE, body.length);
        return frame;
    }

    /** The record's Avro body as our serializer writes it (which also installs the trust in our generated types). */
    private static byte[] body(SpecificRecord record) {
        byte[] frame = new ConfluentAvroSerializer<SpecificRecord>(new InMemorySchemaRegistry()).serialize("imagelib.wire-frames", record);
        return Arrays.copyOfRange(frame, AvroWireFormat.HEADER_SIZE, frame.length);
    }
}
