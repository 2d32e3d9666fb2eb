package io.imagelib.ilctl.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.imagelib.avro.HealthStatus;
import io.imagelib.avro.HostHealth;
import io.imagelib.avro.HostRole;
import io.imagelib.avro.StorageBackend;
import io.imagelib.avro.StorageType;
import java.time.Instant;
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
}
