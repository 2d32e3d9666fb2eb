package io.imagelib.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerFencingsTest {

    @TempDir
    Path dir;

    @Test
    void readsTheFencedBrokerAndTheInstantFromTheControllerLog() {
        var fencing = BrokerFencings.parse("[2026-11-25 21:20:46,172] INFO [QuorumController id=3] Fencing broker 1 at epoch 15 "
                + "because its session has timed out. (org.apache.kafka.controller.ReplicationControlManager)");

        assertThat(fencing.brokerId()).isEqualTo(1);
        assertThat(fencing.at()).isEqualTo(local(2026, 11, 25, 21, 20, 46, 172));
    }

    @Test
    void keepsOnlySessionTimeoutFencingsSinceTheInstantFromEveryLogInTimeOrder() throws Exception {
        Path node2 = Files.writeString(dir.resolve("node-2.log"), """
                [2026-11-25 21:20:40,000] INFO [QuorumController id=2] Fencing broker 3 at epoch 4 because its session has timed out. (x)
                [2026-11-25 21:20:50,000] INFO [QuorumController id=2] Fencing broker 1 at epoch 9 because its session has timed out. (x)
                [2026-11-25 21:20:51,000] INFO [QuorumController id=2] Replayed BrokerRegistrationChangeRecord ... fenced=1 (x)
                """);
        Path node3 = Files.writeString(dir.resolve("node-3.log"), """
                [2026-11-25 21:20:49,500] INFO [QuorumController id=3] Fencing broker 2 at epoch 7 because its session has timed out. (x)
                """);

        var fencings = BrokerFencings.since(List.of(node2, node3, dir.resolve("missing.log")), local(2026, 11, 25, 21, 20, 45, 0));

        assertThat(fencings).extracting(BrokerFencings.Fencing::brokerId).containsExactly(2, 1);
    }

    private static Instant local(int y, int mo, int d, int h, int mi, int s, int ms) {
        return LocalDateTime.of(y, mo, d, h, mi, s, ms * 1_000_000).atZone(ZoneId.systemDefault()).toInstant();
    }
}
