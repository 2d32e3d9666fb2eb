package io.imagelib.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.imagelib.avro.HealthStatus;
import io.imagelib.avro.HostHealth;
import io.imagelib.avro.HostObservation;
import io.imagelib.avro.ObservationKind;
import io.imagelib.schemas.registry.InMemorySchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Instant;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/** A record written with an older writer schema is read into today's class, defaults filling the gaps. */
class SchemaEvolutionTest {

    private static final Schema OLD_HOST_HEALTH = new Schema.Parser().parse("""
            {"type":"record","name":"HostHealth","namespace":"io.imagelib.avro","fields":[
              {"name":"region","type":"string"},
              {"name":"hostId","type":"string"},
              {"name":"status","type":{"type":"enum","name":"HealthStatus","symbols":["UNKNOWN","UP","DOWN","DRAINING","ON_FIRE"],"default":"UNKNOWN"}},
              {"name":"since","type":{"type":"long","logicalType":"timestamp-millis"}},
              {"name":"observedAt","type":{"type":"long","logicalType":"timestamp-millis"}}]}""");

    @Test
    void oldWriterNewReaderUsesDefaultsAndMapsUnknownEnumSymbolsToTheDefault() throws Exception {
        var registry = new InMemorySchemaRegistry();
        int oldId = registry.register("imagelib.host-health-value", OLD_HOST_HEALTH);

        GenericRecord old = new GenericData.Record(OLD_HOST_HEALTH);
        old.put("region", "SJC");
        old.put("hostId", "h1");
        old.put("status", new GenericData.EnumSymbol(OLD_HOST_HEALTH.getField("status").schema(), "ON_FIRE"));
        old.put("since", 1L);
        old.put("observedAt", 2L);

        HostHealth read = new ConfluentAvroDeserializer<>(registry, HostHealth.class)
                .deserialize("imagelib.host-health", frame(oldId, old));

        assertThat(read.getHostId()).isEqualTo("h1");
        assertThat(read.getStatus()).isEqualTo(HealthStatus.UNKNOWN);
        assertThat(read.getProbeLatencyMicros()).isEqualTo(-1L);
        assertThat(read.getReason()).isNull();
    }

    @Test
    void aReaderOfRelease010ReadsTheServedKindAsItsDefaultUnknown() throws Exception {
        var parser = new Schema.Parser();
        parser.parse(Path.of("released/0.1.0/ObservationKind.avsc").toFile());
        Schema oldObservation = parser.parse(Path.of("released/0.1.0/HostObservation.avsc").toFile());
        HostObservation served = HostObservation.newBuilder().setHostId("h1").setRegion("SJC").setKind(ObservationKind.SERVED)
                .setObserver("image-router-1").setObservedAt(Instant.parse("2026-12-07T06:00:00Z")).setDetail(null).build();
        var out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<HostObservation>(HostObservation.getClassSchema()).write(served, encoder);
        encoder.flush();

        GenericRecord read = new GenericDatumReader<GenericRecord>(HostObservation.getClassSchema(), oldObservation)
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));

        assertThat(read.get("kind")).hasToString("UNKNOWN");
        assertThat(read.get("hostId")).hasToString("h1");
    }

    private static byte[] frame(int id, GenericRecord record) throws Exception {
        var out = new ByteArrayOutputStream();
        out.write(new byte[5]);
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        byte[] frame = out.toByteArray();
        AvroWireFormat.writeHeader(frame, id);
        return frame;
    }
}
