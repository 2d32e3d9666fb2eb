package io.imagelib.schemas.serde;

import java.nio.ByteBuffer;

/**
 * The Confluent wire format: magic byte 0, the 4-byte big-endian schema id, then the Avro binary body.
 * Kafka UI and every Confluent-compatible consumer read this framing.
 */
public final class AvroWireFormat {

    public static final byte MAGIC_BYTE = 0;
    public static final int HEADER_SIZE = 5;

    private AvroWireFormat() {
    }

    /** Writes the header into the first five bytes of a buffer that holds header and body. */
    public static void writeHeader(byte[] frame, int schemaId) {
        frame[0] = MAGIC_BYTE;
        frame[1] = (byte) (schemaId >>> 24);
        frame[2] = (byte) (schemaId >>> 16);
        frame[3] = (byte) (schemaId >>> 8);
        frame[4] = (byte) schemaId;
    }

    /** Reads and checks the header; the buffer is left positioned at the Avro body. */
    public static int readSchemaId(ByteBuffer frame) {
        if (frame.remaining() < HEADER_SIZE) {
            throw new IllegalArgumentException(
                    "Not Confluent Avro: " + frame.remaining() + " bytes is shorter than the 5-byte header");
        }
        byte magic = frame.get();
        if (magic != MAGIC_BYTE) {
            throw new IllegalArgumentException("Not Confluent Avro: magic byte is " + magic + ", expected 0");
        }
        return frame.getInt();
    }
}
