package io.imagelib.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class KafkaClusterConfigTest {

    private static final List<KafkaNode.Spec> THREE = List.of(
            new KafkaNode.Spec(1, 9092, 19092), new KafkaNode.Spec(2, 9093, 19093), new KafkaNode.Spec(3, 9094, 19094));

    @Test
    void everyNodeOfThreeKnowsAllControllersAndRequiresTwoInSyncReplicas() {
        var props = KafkaCluster.serverProperties(THREE.get(1), THREE, Path.of("/data"));

        assertThat(props)
                .containsEntry("node.id", "2")
                .containsEntry("process.roles", "broker,controller")
                .containsEntry("controller.quorum.bootstrap.servers", "127.0.0.1:19092,127.0.0.1:19093,127.0.0.1:19094")
                .containsEntry("listeners", "PLAINTEXT://127.0.0.1:9093,CONTROLLER://127.0.0.1:19093")
                .containsEntry("default.replication.factor", "3")
                .containsEntry("min.insync.replicas", "2")
                .containsEntry("offsets.topic.replication.factor", "3")
                .containsEntry("broker.session.timeout.ms", "3000")
                .containsEntry("broker.heartbeat.interval.ms", "500")
                .containsEntry("group.min.session.timeout.ms", "2000")
                .containsEntry("log.dirs", Path.of("/data").toString());
    }

    @Test
    void aDeadBrokerIsFencedWithinThreeSecondsWithSixHeartbeatsPerSession() {
        var props = KafkaCluster.serverProperties(THREE.get(0), THREE, Path.of("/data"));
        int session = Integer.parseInt(props.get("broker.session.timeout.ms"));
        int heartbeat = Integer.parseInt(props.get("broker.heartbeat.interval.ms"));

        assertThat(session).as("fencing bound (Kafka's default 9000)").isLessThanOrEqualTo(3000);
        assertThat(session / heartbeat).as("heartbeats a live broker may miss before it is fenced, plus one").isGreaterThanOrEqualTo(6);
        assertThat(KafkaCluster.serverProperties(THREE.get(0), List.of(THREE.get(0)), Path.of("/data")))
                .as("a single node gets the same timing").containsAllEntriesOf(KafkaCluster.BROKER_FENCING);
    }

    @Test
    void kafkasOwnGroupAndTransactionTopicsAreSmallOnOneNodeAndOnThree() {
        var single = List.of(THREE.get(0));

        for (var props : List.of(KafkaCluster.serverProperties(THREE.get(2), THREE, Path.of("/data")),
                KafkaCluster.serverProperties(single.get(0), single, Path.of("/data")))) {
            assertThat(Integer.parseInt(props.get("offsets.topic.num.partitions"))).as("Kafka's default 50").isLessThanOrEqualTo(6);
            assertThat(props.get("transaction.state.log.num.partitions"))
                    .as("one partition: a survivor takes over and loads at most one transaction-coordinator partition").isEqualTo("1");
        }
    }

    @Test
    void aSingleNodeReplicatesInternalTopicsOnce() {
        var single = List.of(new KafkaNode.Spec(1, 9092, 19092));

        assertThat(KafkaCluster.serverProperties(single.get(0), single, Path.of("/data")))
                .containsEntry("offsets.topic.replication.factor", "1")
                .containsEntry("transaction.state.log.min.isr", "1")
                .containsEntry("min.insync.replicas", "1");
        assertThat(KafkaCluster.quorumArguments("cluster", single)).containsExactly("--standalone");
    }

    @Test
    void threeNodesBootstrapTheQuorumWithAllThreeVotersAndTheSameIdsOnEveryNode() {
        List<String> args = KafkaCluster.quorumArguments("cluster-a", THREE);

        assertThat(args).hasSize(2).first().isEqualTo("--initial-controllers");
        assertThat(args.get(1).split(","))
                .containsExactly(
                        "1@127.0.0.1:19092:" + KafkaCluster.directoryId("cluster-a", 1),
                        "2@127.0.0.1:19093:" + KafkaCluster.directoryId("cluster-a", 2),
                        "3@127.0.0.1:19094:" + KafkaCluster.directoryId("cluster-a", 3));
        assertThat(KafkaCluster.quorumArguments("cluster-a", THREE)).as("a re-format writes the same ids").isEqualTo(args);
        assertThat(KafkaCluster.directoryId("cluster-b", 1)).isNotEqualTo(KafkaCluster.directoryId("cluster-a", 1));
    }
}
