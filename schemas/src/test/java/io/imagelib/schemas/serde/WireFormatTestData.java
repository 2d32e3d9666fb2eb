package io.imagelib.schemas.serde;

import io.imagelib.avro.HealthStatus;
import io.imagelib.avro.HostHealth;
import java.time.Instant;

/** A fully populated record for serde tests. */
public final class WireFormatTestData {

    private WireFormatTestData() {
    }

    public static HostHealth health() {
        return HostHealth.newBuilder().setRegion("SJC").setHostId("h1").setStatus(HealthStatus.DOWN)
                .setSince(Instant.ofEpochMilli(1_700_000_000_000L)).setObservedAt(Instant.ofEpochMilli(1_700_000_000_250L))
                .setReason("refused").setMonitorId("monitor-1").setProbeLatencyMicros(-1).build();
    }
}
