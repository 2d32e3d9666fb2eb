package io.imagelib.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThreeNodeKafkaIT {

    private static final String TOPIC = "imagelib.it-failover";
    private static final Duration FAILOVER_BOUND = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void acksAllProducingGoesOnAfterTheNodeLeadingBothQuorumAndPartitionIsKilled() throws Exception {
        List<Long> pids;
        long started = System.nanoTime();
        try (KafkaCluster kafka = KafkaCluster.threeNodes(dir).start()) {
            System.out.printf("three nodes ready in %d ms on %s%n", (System.nanoTime() - started) / 1_000_000, kafka.bootstrapServers());
            pids = kafka.nodes().stream().map(n -> n.pid().orElseThrow()).toList();

            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
                 var producer = acksAllProducer(kafka.bootstrapServers())) {

                // Given a topic whose only partition is led by the node that also leads the controller quorum
                var quorum = admin.describeMetadataQuorum().quorumInfo().get(10, TimeUnit.SECONDS);
                assertThat(quorum.voters()).as("voters").hasSize(3);
                int victim = quorum.leaderId();
                List<Integer> replicas = new ArrayList<>(List.of(victim));
                kafka.nodes().stream().map(KafkaNode::nodeId).filter(id -> id != victim).forEach(replicas::add);
                admin.createTopics(List.of(new NewTopic(TOPIC, Map.of(0, replicas))
                        .configs(Map.of("min.insync.replicas", "2")))).all().get(30, TimeUnit.SECONDS);
                awaitPartition(admin, "led by node " + victim, p -> p.leader() != null && p.leader().id() == victim);
                send(producer, "before");

                // When that node is SIGKILLed
                long victimPid = kafka.node(victim).pid().orElseThrow();
                kafka.kill(victim);
                assertThat(ProcessHandle.of(victimPid).filter(ProcessHandle::isAlive)).isEmpty();

                // Then acks=all writes succeed again within the bound, on two in-sync replicas
                long killed = System.nanoTime();
                producer.send(new ProducerRecord<>(TOPIC, "host-0", "after")).get(FAILOVER_BOUND.toSeconds(), TimeUnit.SECONDS);
                long stallMillis = (System.nanoTime() - killed) / 1_000_000;
                System.out.printf("first acks=all write after SIGKILL of node %d took %d ms%n", victim, stallMillis);
                for (int i = 1; i < 10; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, "host-" + i, "after")).get(30, TimeUnit.SECONDS);
                }
                awaitPartition(admin, "led by a survivor with 2 in-sync replicas",
                        p -> p.leader() != null && p.leader().id() != victim && p.isr().size() == 2);

                // and nothing written before or after the kill is lost
                assertThat(readAll(kafka.bootstrapServers(), 20)).containsExactly(
                        "before", "before", "before", "before", "before", "before", "before", "before", "before", "before",
                        "after", "after", "after", "after", "after", "after", "after", "after", "after", "after");
            }
        }
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("PID %d after stop", pid).isEmpty();
        }
    }

    /**
     * Kafka's production layout: brokers 1-3 and controllers 101-103. A broker killed while leading a partition
     * leaves the quorum as it was; acks=all writes resume on the survivors; the cluster then restarts from its
     * directory (cluster.properties read back, nothing formatted again) with every record.
     */
    @Test
    void withDedicatedControllersABrokersDeathLeavesTheQuorumAloneAndTheClusterRestartsFromItsDirectory() throws Exception {
        List<Long> pids;
        long started = System.nanoTime();
        try (KafkaCluster kafka = KafkaCluster.dedicatedControllers(dir).start()) {
            System.out.printf("three controllers, then three brokers ready in %d ms on %s%n",
                    (System.nanoTime() - started) / 1_000_000, kafka.bootstrapServers());
            assertThat(kafka.bootstrapServers().split(",")).hasSize(3);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
                 var producer = acksAllProducer(kafka.bootstrapServers())) {
                var quorum = admin.describeMetadataQuorum().quorumInfo().get(10, TimeUnit.SECONDS);
                assertThat(quorum.voters()).extracting(v -> v.replicaId()).containsExactlyInAnyOrder(101, 102, 103);
                assertThat(admin.describeCluster().nodes().get(10, TimeUnit.SECONDS)).extracting(n -> n.id())
                        .containsExactlyInAnyOrder(1, 2, 3);
                admin.createTopics(List.of(new NewTopic(TOPIC, Map.of(0, List.of(1, 2, 3)))
                        .configs(Map.of("min.insync.replicas", "2")))).all().get(30, TimeUnit.SECONDS);
                awaitPartition(admin, "led by broker 1", p -> p.leader() != null && p.leader().id() == 1);
                send(producer, "before");

                kafka.kill(1);
                long killed = System.nanoTime();
                producer.send(new ProducerRecord<>(TOPIC, "host-0", "after")).get(FAILOVER_BOUND.toSeconds(), TimeUnit.SECONDS);
                System.out.printf("first acks=all write after SIGKILL of broker 1 (dedicated controllers) took %d ms%n",
                        (System.nanoTime() - killed) / 1_000_000);
                assertThat(admin.describeMetadataQuorum().quorumInfo().get(10, TimeUnit.SECONDS).leaderId())
                        .as("quorum leader").isEqualTo(quorum.leaderId());
            }
        }
        try (KafkaCluster again = KafkaCluster.dedicatedControllers(dir).start();
             var producer = acksAllProducer(again.bootstrapServers())) {
            pids = again.nodes().stream().map(n -> n.pid().orElseThrow()).toList();
            assertThat(pids).hasSize(6);
            send(producer, "restarted");
            assertThat(readAll(again.bootstrapServers(), 21)).startsWith("before").endsWith("restarted").hasSize(21);
        }
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("PID %d after stop", pid).isEmpty();
        }
    }

    private static KafkaProducer<String, String> acksAllProducer(String bootstrap) {
        return new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) FAILOVER_BOUND.toMillis(),
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000), new StringSerializer(), new StringSerializer());
    }

    private static void send(KafkaProducer<String, String> producer, String value) throws Exception {
        for (int i = 0; i < 10; i++) {
            producer.send(new ProducerRecord<>(TOPIC, "host-" + i, value)).get(30, TimeUnit.SECONDS);
        }
    }

    /** Metadata reaches each broker a little later than the controller's answer, more so on a busy machine. */
    private static void awaitPartition(Admin admin, String what, Predicate<TopicPartitionInfo> condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String last = "not described yet";
        while (System.nanoTime() < deadline) {
            try {
                TopicPartitionInfo partition = admin.describeTopics(List.of(TOPIC)).allTopicNames()
                        .get(10, TimeUnit.SECONDS).get(TOPIC).partitions().get(0);
                if (condition.test(partition)) {
                    return;
                }
                last = partition.toString();
            } catch (ExecutionException | TimeoutException e) {
                last = e.getCause() == null ? e.toString() : e.getCause().toString();
            }
            Thread.sleep(200);
        }
        throw new AssertionError(TOPIC + " partition 0 not " + what + " within 30 s; last seen: " + last);
    }

    private static List<String> readAll(String bootstrap, int expected) {
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(TOPIC, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
            }
            return values;
        }
    }
}
