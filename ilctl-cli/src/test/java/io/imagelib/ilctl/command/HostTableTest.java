package io.imagelib.ilctl.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.imagelib.avro.HealthStatus;
import io.imagelib.avro.HostHealth;
import io.imagelib.avro.HostRole;
import io.imagelib.avro.StorageBackend;
import io.imagelib.avro.StorageType;
import io.imagelib.ilctl.output.OutputFormat;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HostTableTest {

    private static HostRole role(String host, String region) {
        return HostRole.newBuilder().setRegion(region).setHostId(host).setPublicUrl("http://" + host + ":9292")
                .setAdminUrl("https://" + host + ":9494").setAssignedAt(Instant.EPOCH)
                .setStorage(StorageBackend.newBuilder().setType(StorageType.NFS).build()).build();
    }

    private static HostHealth health(String host, HealthStatus status, String reason) {
        return HostHealth.newBuilder().setRegion("SJC").setHostId(host).setStatus(status).setReason(reason)
                .setSince(Instant.parse("2026-11-25T16:00:00Z")).setObservedAt(Instant.parse("2026-11-25T16:00:01Z")).build();
    }

    @Test
    void joinsRolesWithHealthAndShowsUnprobedHostsAsUnknown() {
        var table = HostCommand.table(
                Map.of("h1", role("h1", "SJC"), "h2", role("h2", "SJC"), "h3", role("h3", "SJC")),
                Map.of("h1", health("h1", HealthStatus.DOWN, "refused"), "h2", health("h2", HealthStatus.UP, null),
                        "h9", health("h9", HealthStatus.DRAINING, "disabled-by-file")),
                null);

        assertThat(table.render(OutputFormat.value)).isEqualTo("""
                h1 SJC assigned DOWN 2026-11-25T16:00:00Z refused http://h1:9292
                h2 SJC assigned UP 2026-11-25T16:00:00Z  http://h2:9292
                h3 SJC assigned UNKNOWN   http://h3:9292
                h9 SJC none DRAINING 2026-11-25T16:00:00Z disabled-by-file\s
                """);
    }

    @Test
    void filtersByRegion() {
        var table = HostCommand.table(Map.of("a", role("a", "SJC"), "b", role("b", "DFW")), Map.of(), "DFW");

        assertThat(table.rows()).extracting(row -> row.get(0)).containsExactly("b");
    }

    @Test
    void shortTopicNamesGetTheCataloguePrefix() {
        assertThat(EventsCommand.topicName("host-health")).isEqualTo("imagelib.host-health");
        assertThat(EventsCommand.topicName("imagelib.admin-endpoint")).isEqualTo("imagelib.admin-endpoint");
    }
}
