package io.imagelib.router.kafka;

import io.imagelib.avro.HostHealth;
import io.imagelib.avro.HostRole;
import io.imagelib.router.domain.Health;
import io.imagelib.router.domain.Registration;
import java.net.URI;

/** Topic records in domain terms. */
final class HostRecords {

    private HostRecords() {
    }

    static Registration registration(HostRole role) {
        return new Registration(role.getHostId(), role.getRegion(), URI.create(role.getPublicUrl()), URI.create(role.getAdminUrl()));
    }

    static Health health(HostHealth record) {
        return switch (record.getStatus()) {
            case UP -> Health.UP;
            case DOWN -> Health.DOWN;
            case DRAINING -> Health.DRAINING;
            case UNKNOWN -> Health.UNKNOWN;
        };
    }
}
