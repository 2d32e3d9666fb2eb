package io.imagelib.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
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
        assertThat(KafkaCluster.quorumArguments("cluster", single.get(0), single)).containsExactly("--standalone");
    }

    @Test
    void threeNodesBootstrapTheQuorumWithAllThreeVotersAndTheSameIdsOnEveryNode() {
        List<String> args = KafkaCluster.quorumArguments("cluster-a", THREE.get(0), THREE);

        assertThat(args).hasSize(2).first().isEqualTo("--initial-controllers");
        assertThat(args.get(1).split(","))
                .containsExactly(
                        "1@127.0.0.1:19092:" + KafkaCluster.directoryId("cluster-a", 1),
                        "2@127.0.0.1:19093:" + KafkaCluster.directoryId("cluster-a", 2),
                        "3@127.0.0.1:19094:" + KafkaCluster.directoryId("cluster-a", 3));
        assertThat(KafkaCluster.quorumArguments("cluster-a", THREE.get(2), THREE)).as("every node, and a re-format, writes the same ids").isEqualTo(args);
        assertThat(KafkaCluster.directoryId("cluster-b", 1)).isNotEqualTo(KafkaCluster.directoryId("cluster-a", 1));
    }

    private static final List<KafkaNode.Spec> DEDICATED = List.of(
            new KafkaNode.Spec(1, KafkaNode.Role.BROKER, 9092, 0), new KafkaNode.Spec(2, KafkaNode.Role.BROKER, 9093, 0),
            new KafkaNode.Spec(3, KafkaNode.Role.BROKER, 9094, 0), new KafkaNode.Spec(101, KafkaNode.Role.CONTROLLER, 0, 19101),
            new KafkaNode.Spec(102, KafkaNode.Role.CONTROLLER, 0, 19102), new KafkaNode.Spec(103, KafkaNode.Role.CONTROLLER, 0, 19103));

    @Test
    void withDedicatedControllersBrokersListenForClientsOnlyAndFindTheQuorumThroughTheControllers() {
        var props = KafkaCluster.serverProperties(DEDICATED.get(1), DEDICATED, Path.of("/data"));

        assertThat(props)
                .containsEntry("node.id", "2")
                .containsEntry("process.roles", "broker")
                .containsEntry("controller.quorum.bootstrap.servers", "127.0.0.1:19101,127.0.0.1:19102,127.0.0.1:19103")
                .containsEntry("listeners", "PLAINTEXT://127.0.0.1:9093")
                .containsEntry("advertised.listeners", "PLAINTEXT://127.0.0.1:9093")
                .containsEntry("inter.broker.listener.name", "PLAINTEXT")
                .containsEntry("default.replication.factor", "3")
                .containsEntry("min.insync.replicas", "2")
                .containsEntry("transaction.state.log.min.isr", "2")
                .containsAllEntriesOf(KafkaCluster.BROKER_FENCING)
                .containsAllEntriesOf(KafkaCluster.COORDINATOR_TOPICS);
        assertThat(KafkaCluster.quorumArguments("cluster-a", DEDICATED.get(1), DEDICATED)).containsExactly("--no-initial-controllers");
    }

    @Test
    void dedicatedControllersListenOnTheControllerPortOnlyWithTheBrokersTopicDefaultsAndFencingSession() {
        var props = KafkaCluster.serverProperties(DEDICATED.get(4), DEDICATED, Path.of("/data"));

        assertThat(props)
                .containsEntry("node.id", "102")
                .containsEntry("process.roles", "controller")
                .containsEntry("listeners", "CONTROLLER://127.0.0.1:19102")
                .containsEntry("advertised.listeners", "CONTROLLER://127.0.0.1:19102")
                .containsEntry("controller.quorum.bootstrap.servers", "127.0.0.1:19101,127.0.0.1:19102,127.0.0.1:19103")
                .as("the controller creates topics (defaults) and fences brokers (session)")
                .containsEntry("default.replication.factor", "3")
                .containsEntry("min.insync.replicas", "2")
                .containsAllEntriesOf(KafkaCluster.BROKER_FENCING)
                .doesNotContainKey("inter.broker.listener.name");
        List<String> args = KafkaCluster.quorumArguments("cluster-a", DEDICATED.get(4), DEDICATED);
        assertThat(args).first().isEqualTo("--initial-controllers");
        assertThat(args.get(1).split(",")).containsExactly(
                "101@127.0.0.1:19101:" + KafkaCluster.directoryId("cluster-a", 101),
                "102@127.0.0.1:19102:" + KafkaCluster.directoryId("cluster-a", 102),
                "103@127.0.0.1:19103:" + KafkaCluster.directoryId("cluster-a", 103));
    }

    @Test
    void newLayoutsGetDistinctPortsAndBrokersKeepIdsOneToThree() {
        List<KafkaNode.Spec> specs = KafkaCluster.Topology.DEDICATED_CONTROLLERS.specs(0);

        assertThat(specs).extracting(KafkaNode.Spec::nodeId).containsExactly(1, 2, 3, 101, 102, 103);
        assertThat(specs).extracting(KafkaNode.Spec::role).containsExactly(KafkaNode.Role.BROKER, KafkaNode.Role.BROKER,
                KafkaNode.Role.BROKER, KafkaNode.Role.CONTROLLER, KafkaNode.Role.CONTROLLER, KafkaNode.Role.CONTROLLER);
        assertThat(specs.stream().flatMap(s -> java.util.stream.Stream.of(s.port(), s.controllerPort())).filter(p -> p != 0))
                .as("ports").hasSize(6).doesNotHaveDuplicates();
        List<KafkaNode.Spec> combined = KafkaCluster.Topology.THREE_COMBINED.specs(9092);
        assertThat(combined).extracting(KafkaNode.Spec::port).containsExactly(9092, 9093, 9094);
        assertThat(combined).allSatisfy(s -> assertThat(s.role()).isEqualTo(KafkaNode.Role.COMBINED))
                .extracting(KafkaNode.Spec::controllerPort).doesNotContain(0).doesNotHaveDuplicates();
    }

    @Test
    void aClusterSavedBeforeDedicatedControllersOpensAsCombinedNodes() {
        var saved = new Properties();
        saved.setProperty("nodes", "3");
        for (int id = 1; id <= 3; id++) {
            saved.setProperty("node." + id + ".port", Integer.toString(9091 + id));
            saved.setProperty("node." + id + ".controller.port", Integer.toString(19091 + id));
        }

        assertThat(KafkaCluster.topologyOf(saved)).isEqualTo(KafkaCluster.Topology.THREE_COMBINED);
        assertThat(KafkaCluster.specsOf(KafkaCluster.topologyOf(saved), saved)).isEqualTo(THREE);

        saved.setProperty("controllers", "3");
        assertThat(KafkaCluster.topologyOf(saved)).isEqualTo(KafkaCluster.Topology.DEDICATED_CONTROLLERS);
        saved.setProperty("nodes", "2");
        assertThatThrownBy(() -> KafkaCluster.topologyOf(saved)).hasMessageContaining("2 brokers");
    }
}
