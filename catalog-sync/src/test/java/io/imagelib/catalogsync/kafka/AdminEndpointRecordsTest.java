package io.imagelib.catalogsync.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.imagelib.avro.AdminChangeReason;
import io.imagelib.avro.AdminEndpoint;
import io.imagelib.catalogsync.domain.DesiredAdmin;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The Kafka edge maps an admin-endpoint record to the domain's decision, field by field. */
class AdminEndpointRecordsTest {

    private static final Instant CHANGED_AT = Instant.parse("2026-01-02T03:04:05Z");

    @Test
    void aRecordWithAnAdminBecomesTheDesiredCatalogUrl() {
        var decision = AdminEndpointRecords.decision(AdminEndpoint.newBuilder().setRegion("SJC").setHostId("h2")
                .setUrl("https://10.0.0.2:9494").setEpoch(7).setReason(AdminChangeReason.FAILOVER)
                .setChangedAt(CHANGED_AT).build());

        assertThat(decision.reason()).isEqualTo("FAILOVER");
        assertThat(decision.desired())
                .contains(new DesiredAdmin("SJC", "h2", "https://10.0.0.2:9494", 7, CHANGED_AT));
    }

    @Test
    void aRecordWithoutUrlDesiresNothing() {
        var decision = AdminEndpointRecords.decision(AdminEndpoint.newBuilder().setRegion("SJC").setEpoch(3)
                .setReason(AdminChangeReason.NO_HEALTHY_HOST).setChangedAt(CHANGED_AT).build());

        assertThat(decision.region()).isEqualTo("SJC");
        assertThat(decision.epoch()).isEqualTo(3);
        assertThat(decision.desired()).isEmpty();
    }
}
