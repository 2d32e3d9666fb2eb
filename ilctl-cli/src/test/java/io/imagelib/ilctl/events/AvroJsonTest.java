package io.imagelib.ilctl.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.imagelib.avro.HealthStatus;
import io.imagelib.avro.HostHealth;
import io.imagelib.avro.HostRole;
import io.imagelib.avro.ImageEndpoint;
import io.imagelib.avro.RegionEndpoints;
import io.imagelib.avro.StorageBackend;
import io.imagelib.avro.StorageType;
import java.time.Instant;
import java.util.List;
import io.imagelib.schemas.registry.SchemaRegistries;
import io.imagelib.schemas.registry.SchemaRegistry;
import io.imagelib.schemas.serde.ConfluentAvroDeserializer;
import io.imagelib.schemas.serde.ConfluentAvroSerializer;
import org.junit.jupiter.api.Test;

class AvroJsonTest {

    static HostHealth down(String host) {
        return HostHealth.newBuilder().setRegion("SJC").setHostId(host).setStatus(HealthStatus.DOWN)
                .setSince(Instant.parse("2026-11-25T16:02:11.204Z")).setObservedAt(Instant.parse("2026-11-25T16:02:11.300Z"))
                .setReason("refused").setMonitorId("m1").setProbeLatencyMicros(-1).build();
    }

    @Test
    void timestampsAreInstantsEnumsAreNamesUnionsAreUnwrapped() {
        assertThat(AvroJson.toJson(down("h1")).toString()).isEqualTo("{\"region\":\"SJC\",\"hostId\":\"h1\",\"status\":\"DOWN\","
                + "\"since\":\"2026-11-25T16:02:11.204Z\",\"observedAt\":\"2026-11-25T16:02:11.300Z\",\"reason\":\"refused\","
                + "\"monitorId\":\"m1\",\"probeLatencyMicros\":-1}");
    }

    @Test
    void nestedRecordsBecomeObjectsAndNullsStayNull() {
        HostRole role = HostRole.newBuilder().setRegion("SJC").setHostId("h1").setPublicUrl("http://h1:9292")
                .setAdminUrl("https://h1:9494").setAssignedAt(Instant.EPOCH)
                .setStorage(StorageBackend.newBuilder().setType(StorageType.BLOCK).setVolumeType("ceph-ssd").build())
                .build();

        assertThat(AvroJson.toJson(role).path("storage").toString())
                .isEqualTo("{\"type\":\"BLOCK\",\"mountPath\":null,\"storageId\":null,\"volumeType\":\"ceph-ssd\"}");
        assertThat(AvroJson.toJson(null).isNull()).isTrue();
    }

    @Test
    void arraysAsAvroDecodesThemBecomeJsonArrays() {
        RegionEndpoints written = RegionEndpoints.newBuilder().setRegion("SJC").setEpoch(2).setUpdatedAt(Instant.EPOCH)
                .setEndpoints(List.of(ImageEndpoint.newBuilder().setHostId("h1").setPublicUrl("http://h1:9292")
                        .setAdminUrl("https://h1:9494").setStatus(HealthStatus.UP).setAdmin(true).setAssignedAt(Instant.EPOCH).build()))
                .build();
        // Through the wire format and back, as events tail gets it: arrays come back as Avro's GenericData.Array.
        SchemaRegistry registry = SchemaRegistries.forUrl("mock://ilctl-avro-json");
        byte[] bytes = new ConfluentAvroSerializer<RegionEndpoints>(registry).serialize("imagelib.region-endpoints", written);
        RegionEndpoints decoded = new ConfluentAvroDeserializer<>(registry, RegionEndpoints.class)
                .deserialize("imagelib.region-endpoints", bytes);

        var json = AvroJson.toJson(decoded);

        assertThat(json.path("endpoints").isArray()).isTrue();
        assertThat(json.path("endpoints").get(0).path("admin").booleanValue()).isTrue();
        assertThat(json.path("endpoints").get(0).path("status").asText()).isEqualTo("UP");
    }
}
