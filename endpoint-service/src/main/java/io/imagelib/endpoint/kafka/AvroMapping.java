package io.imagelib.endpoint.kafka;

import io.imagelib.avro.AdminChangeReason;
import io.imagelib.avro.HealthStatus;
import io.imagelib.endpoint.domain.AdminReason;
import io.imagelib.endpoint.domain.Health;

/**
 * The election's own types to and from the catalogue's Avro enums, here at the Kafka edge so the domain never sees
 * the wire format. Exhaustive switches: a symbol added on either side fails the build until it is mapped.
 */
final class AvroMapping {

    private AvroMapping() {
    }

    static Health health(HealthStatus status) {
        return switch (status) {
            case UNKNOWN -> Health.UNKNOWN;
            case UP -> Health.UP;
            case DOWN -> Health.DOWN;
            case DRAINING -> Health.DRAINING;
        };
    }

    static HealthStatus health(Health health) {
        return switch (health) {
            case UNKNOWN -> HealthStatus.UNKNOWN;
            case UP -> HealthStatus.UP;
            case DOWN -> HealthStatus.DOWN;
            case DRAINING -> HealthStatus.DRAINING;
        };
    }

    static AdminReason reason(AdminChangeReason reason) {
        return switch (reason) {
            case UNKNOWN -> AdminReason.UNKNOWN;
            case LAST_ASSIGNED -> AdminReason.LAST_ASSIGNED;
            case FAILOVER -> AdminReason.FAILOVER;
            case HANDOVER -> AdminReason.HANDOVER;
            case MANUAL -> AdminReason.MANUAL;
            case NO_HEALTHY_HOST -> AdminReason.NO_HEALTHY_HOST;
            case ROLE_REMOVED -> AdminReason.ROLE_REMOVED;
        };
    }

    static AdminChangeReason reason(AdminReason reason) {
        return switch (reason) {
            case UNKNOWN -> AdminChangeReason.UNKNOWN;
            case LAST_ASSIGNED -> AdminChangeReason.LAST_ASSIGNED;
            case FAILOVER -> AdminChangeReason.FAILOVER;
            case HANDOVER -> AdminChangeReason.HANDOVER;
            case MANUAL -> AdminChangeReason.MANUAL;
            case NO_HEALTHY_HOST -> AdminChangeReason.NO_HEALTHY_HOST;
            case ROLE_REMOVED -> AdminChangeReason.ROLE_REMOVED;
        };
    }
}
