package io.imagelib.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imagelib.avro.HostHealth;
import io.imagelib.schemas.registry.InMemorySchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class WireFormatTest {

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final ConfluentAvroSerializer<HostHealth> serializer = new ConfluentAvroSerializer<>(registry);
    private final ConfluentAvroDeserializer<HostHealth> deserializer = new ConfluentAvroDeserializer<>(registry, HostHealth.class);

    @Test
    void frameIsMagicZeroThenBigEndianSchemaIdThenPlainAvroBinary() throws Exception {
        HostHealth health = WireFormatTestData.health();

        byte[] frame = serializer.serialize("imagelib.host-health", health);

        int id = registry.register("imagelib.host-health-value", HostHealth.getClassSchema());
        assertThat(frame[0]).isEqualTo((byte) 0);
        assertThat(Arrays.copyOfRange(frame, 1, 5)).containsExactly(
                (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id);
        assertThat(Arrays.copyOfRange(frame, 5, frame.length)).containsExactly(plainAvro(health));
    }

    @Test
    void headerBytesForALargeSchemaIdAreBigEndian() {
        byte[] frame = new byte[5];
        AvroWireFormat.writeHeader(frame, 0x01020304);
        assertThat(frame).containsExactly(0, 1, 2, 3, 4);
        assertThat(AvroWireFormat.readSchemaId(ByteBuffer.wrap(frame))).isEqualTo(0x01020304);
    }

    @Test
    void roundTripGivesAnEqualRecordAndRegistersUnderTheTopicNameStrategySubject() {
        HostHealth health = WireFormatTestData.health();
        assertThat(deserializer.deserialize("imagelib.host-health", serializer.serialize("imagelib.host-health", health)))
                .isEqualTo(health);
        assertThat(registry.getAllSubjects()).containsExactly("imagelib.host-health-value");
    }

    @Test
    void tombstonesStayNull() {
        assertThat(serializer.serialize("t", null)).isNull();
        assertThat(deserializer.deserialize("t", null)).isNull();
    }

    @Test
    void wrongMagicByteIsRefusedWithAMessageThatSaysSo() {
        assertThatThrownBy(() -> deserializer.deserialize("t", new byte[] {1, 0, 0, 0, 1, 2}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("magic byte is 1");
        assertThatThrownBy(() -> deserializer.deserialize("t", new byte[] {0, 0}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("shorter than the 5-byte header");
    }

    @Test
    void unknownSchemaIdIsASerializationError() {
        assertThatThrownBy(() -> deserializer.deserialize("t", new byte[] {0, 0, 0, 0, 99, 2}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("99");
    }

    private static byte[] plainAvro(HostHealth health) throws Exception {
        var out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(HostHealth.class).write(health, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
