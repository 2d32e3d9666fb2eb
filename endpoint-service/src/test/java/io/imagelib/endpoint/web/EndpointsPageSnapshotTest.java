package io.imagelib.endpoint.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.imagelib.avro.AdminChangeReason;
import io.imagelib.avro.AdminEndpoint;
import io.imagelib.avro.HealthStatus;
import io.imagelib.avro.ImageEndpoint;
import io.imagelib.avro.RegionEndpoints;
import io.imagelib.endpoint.domain.EndpointIds;
import io.imagelib.endpoint.domain.EndpointInterface;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EndpointsPageSnapshotTest {

    private static final Instant NOW = Instant.parse("2026-11-25T17:00:00Z");

    private static ImageEndpoint host(String hostId, HealthStatus status, boolean adminFlag) {
        return ImageEndpoint.newBuilder().setHostId(hostId).setPublicUrl("https://" + hostId + ":9292")
                .setAdminUrl("https://" + hostId + ":9494").setStatus(status).setAdmin(adminFlag)
                .setAssignedAt(NOW.minusSeconds(60)).build();
    }

    private static RegionEndpoints list(String region, long epoch, ImageEndpoint... hosts) {
        return RegionEndpoints.newBuilder().setRegion(region).setEpoch(epoch).setEndpoints(List.of(hosts))
                .setUpdatedAt(NOW).build();
    }

    private static AdminEndpoint admin(String region, String hostId, long epoch, AdminChangeReason reason,
                                       String previous) {
        return AdminEndpoint.newBuilder().setRegion(region).setHostId(hostId).setUrl("https://" + hostId + ":9494")
                .setEpoch(epoch).setReason(reason).setPreviousHostId(previous).setChangedAt(NOW).build();
    }

    @Test
    void theAdminMarkFollowsTheFencedAdminRecordAndTheEpochIsTheNewerOfBothTopics() {
        // region-endpoints still says h2 (epoch 4); admin-endpoint already moved to h1 (epoch 5).
        EndpointsPageSnapshot snapshot = EndpointsPageSnapshot.of(NOW,
                Map.of("SJC", list("SJC", 4, host("h1", HealthStatus.UP, false), host("h2", HealthStatus.DOWN, true))),
                Map.of("SJC", admin("SJC", "h1", 5, AdminChangeReason.FAILOVER, "h2")), region -> List.of());

        EndpointsPageSnapshot.Region region = snapshot.regions().getFirst();
        assertThat(region.epoch()).isEqualTo(5);
        assertThat(region.hosts()).extracting(EndpointsPageSnapshot.Host::hostId, EndpointsPageSnapshot.Host::admin,
                EndpointsPageSnapshot.Host::status).containsExactly(
                tuple("h1", true, "UP"),
                tuple("h2", false, "DOWN"));
        assertThat(region.hosts().getFirst().adminEndpointId())
                .isEqualTo(EndpointIds.id("SJC", EndpointInterface.ADMIN, "h1"));
        assertThat(region.admin().serving()).isTrue();
        assertThat(region.admin().previousHostId()).isEqualTo("h2");
    }

    @Test
    void anAdminKeptOnRecordWithoutAHealthyHostIsNotServingAndRegionsFromEitherTopicAreListedSorted() {
        EndpointsPageSnapshot snapshot = EndpointsPageSnapshot.of(NOW,
                Map.of("b", list("b", 2, host("h9", HealthStatus.DOWN, true))),
                Map.of("b", admin("b", "h9", 2, AdminChangeReason.NO_HEALTHY_HOST, "h9"),
                        "a", admin("a", "x1", 1, AdminChangeReason.LAST_ASSIGNED, null)),
                region -> List.of());

        assertThat(snapshot.regions()).extracting(EndpointsPageSnapshot.Region::region).containsExactly("a", "b");
        assertThat(snapshot.regions().getFirst().hosts()).isEmpty();
        assertThat(snapshot.regions().get(1).admin().serving()).isFalse();
        assertThat(snapshot.regions().get(1).hosts().getFirst().admin()).isTrue();
    }

    @Test
    void historyKeepsTheLastChangesPerRegionNewestFirst() {
        AdminChangeHistory history = new AdminChangeHistory(2);
        history.record(admin("SJC", "h1", 1, AdminChangeReason.LAST_ASSIGNED, null));
        history.record(admin("SJC", "h2", 2, AdminChangeReason.FAILOVER, "h1"));
        history.record(admin("OTHER", "o1", 1, AdminChangeReason.LAST_ASSIGNED, null));
        history.record(admin("SJC", "h3", 3, AdminChangeReason.HANDOVER, "h2"));

        EndpointsPageSnapshot snapshot = EndpointsPageSnapshot.of(NOW, Map.of(),
                Map.of("SJC", admin("SJC", "h3", 3, AdminChangeReason.HANDOVER, "h2")), history::recent);

        assertThat(snapshot.regions().getFirst().recentChanges())
                .extracting(EndpointsPageSnapshot.Change::epoch, EndpointsPageSnapshot.Change::reason)
                .containsExactly(tuple(3L, "HANDOVER"),
                        tuple(2L, "FAILOVER"));
        assertThat(history.recent("OTHER")).hasSize(1);
        assertThat(history.recent("NONE")).isEmpty();
    }
}
