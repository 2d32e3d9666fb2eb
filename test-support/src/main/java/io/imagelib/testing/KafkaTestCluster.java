package io.imagelib.testing;

import io.imagelib.schemas.topics.TopicProvisioner;
import io.imagelib.schemas.topics.Topics;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * Three controllers and three brokers in this JVM. {@link KafkaClusterTestKit#startup()} starts the controllers
 * first and lets them form their quorum before any broker registers; starting brokers first (as
 * {@code @EmbeddedKafka(count = 3)} does on Kafka 4.2.1) lost the quorum. Topics get RF 3 and min.insync 2.
 */
public final class KafkaTestCluster implements AutoCloseable {

    private final KafkaClusterTestKit cluster;

    public KafkaTestCluster() {
        try {
            cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                    .setCombined(false)
                    .setNumControllerNodes(3)
                    .setNumBrokerNodes(3)
                    .build())
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    // the services' group sessions are 3 s (service-support), under Kafka's default floor of 6 s
                    .setConfigProp("group.min.session.timeout.ms", "1000")
                    .setConfigProp("offsets.topic.replication.factor", "3")
                    .setConfigProp("transaction.state.log.replication.factor", "3")
                    .setConfigProp("transaction.state.log.min.isr", "2")
                    .setConfigProp("broker.session.timeout.ms", "9000")
                    .build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            try (Admin admin = admin()) {
                new TopicProvisioner(admin).provision(Topics.ALL);
            }
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start the 3-node test cluster", e);
        }
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    public TypedKafka typed() {
        return new TypedKafka(bootstrapServers(), KafkaTestBroker.REGISTRY_URL);
    }

    /** Stops one broker abruptly, as a fault; the brokers' ids are those of {@link KafkaClusterTestKit#brokers()}. */
    public void stopBroker(int brokerId) {
        var broker = cluster.brokers().get(brokerId);
        if (broker == null) {
            throw new IllegalArgumentException("No broker " + brokerId + "; brokers are " + cluster.brokers().keySet());
        }
        broker.shutdown();
    }

    public java.util.Set<Integer> brokerIds() {
        return cluster.brokers().keySet();
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
