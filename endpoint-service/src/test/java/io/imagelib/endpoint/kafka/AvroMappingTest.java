package io.imagelib.endpoint.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.imagelib.avro.AdminChangeReason;
import io.imagelib.avro.HealthStatus;
import io.imagelib.endpoint.domain.AdminReason;
import io.imagelib.endpoint.domain.Health;
import org.junit.jupiter.api.Test;

/**
 * Every wire symbol maps to the domain value of the same name and back. Same names matter beyond the mapping: the
 * regions store and the repartition topic keep these enums as JSON names, written by the Avro enums before.
 */
class AvroMappingTest {

    @Test
    void everyHealthStatusMapsToTheSameNameAndBack() {
        for (HealthStatus status : HealthStatus.values()) {
            assertThat(AvroMapping.health(status).name()).isEqualTo(status.name());
            assertThat(AvroMapping.health(AvroMapping.health(status))).isEqualTo(status);
        }
        assertThat(Health.values()).hasSameSizeAs(HealthStatus.values());
    }

    @Test
    void everyAdminChangeReasonMapsToTheSameNameAndBack() {
        for (AdminChangeReason reason : AdminChangeReason.values()) {
            assertThat(AvroMapping.reason(reason).name()).isEqualTo(reason.name());
            assertThat(AvroMapping.reason(AvroMapping.reason(reason))).isEqualTo(reason);
        }
        assertThat(AdminReason.values()).hasSameSizeAs(AdminChangeReason.values());
    }
}
