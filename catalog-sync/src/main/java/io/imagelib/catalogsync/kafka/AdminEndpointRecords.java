package io.imagelib.catalogsync.kafka;

import io.imagelib.avro.AdminEndpoint;
import io.imagelib.catalogsync.domain.AdminDecision;

/** The Kafka edge: the only place in catalog-sync that reads the generated Avro type of imagelib.admin-endpoint. */
public final class AdminEndpointRecords {

    private AdminEndpointRecords() {
    }

    public static AdminDecision decision(AdminEndpoint endpoint) {
        return new AdminDecision(endpoint.getRegion(), endpoint.getHostId(), endpoint.getUrl(), endpoint.getEpoch(),
                String.valueOf(endpoint.getReason()), endpoint.getChangedAt());
    }
}
