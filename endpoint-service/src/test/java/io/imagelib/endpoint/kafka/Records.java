package io.imagelib.endpoint.kafka;

import io.imagelib.avro.EndpointCommand;
import io.imagelib.avro.EndpointCommandType;
import io.imagelib.avro.HealthStatus;
import io.imagelib.avro.HostHealth;
import io.imagelib.avro.HostRole;
import io.imagelib.avro.StorageBackend;
import io.imagelib.avro.StorageType;
import java.time.Instant;

/** Input records as the other services publish them. */
public final class Records {

    private Records() {
    }

    public static HostRole role(String region, String hostId, long assignedAtMillis) {
        return HostRole.newBuilder()
                .setRegion(region)
                .setHostId(hostId)
                .setPublicUrl("https://" + hostId + ".example:9292")
                .setAdminUrl(adminUrl(hostId))
                .setStorage(StorageBackend.newBuilder().setType(StorageType.NFS).setMountPath("/var/opt/imagelibrary/data")
                        .setStorageId("share-1").build())
                .setAssignedAt(Instant.ofEpochMilli(assignedAtMillis))
                .build();
    }

    public static String adminUrl(String hostId) {
        return "https://" + hostId + ".example:9494";
    }

    public static HostHealth health(String region, String hostId, HealthStatus status) {
        Instant now = Instant.now();
        return HostHealth.newBuilder()
                .setRegion(region)
                .setHostId(hostId)
                .setStatus(status)
                .setSince(now)
                .setObservedAt(now)
                .build();
    }

    public static EndpointCommand setAdmin(String requestId, String region, String url) {
        return EndpointCommand.newBuilder()
                .setRequestId(requestId)
                .setRegion(region)
                .setType(EndpointCommandType.SET_ADMIN)
                .setUrl(url)
                .setRequester("test")
                .setRequestedAt(Instant.now())
                .build();
    }
}
