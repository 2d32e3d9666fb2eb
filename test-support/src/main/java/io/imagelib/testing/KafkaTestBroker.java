package io.imagelib.testing;

import io.imagelib.schemas.topics.TopicProvisioner;
import io.imagelib.schemas.topics.Topics;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A real single-node KRaft broker per test class, with every catalogue topic provisioned. Use as
 * {@code @RegisterExtension static KafkaTestBroker kafka = new KafkaTestBroker();} and hand
 * {@link #bootstrapServers()} to the code under test (e.g. through {@code @DynamicPropertySource}).
 */
public final class KafkaTestBroker implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

    /** The in-memory registry scope tests share with services configured with the same URL. */
    public static final String REGISTRY_URL = "mock://imagelib-test";

    private final boolean provisionCatalogue;
    private EmbeddedKafkaKraftBroker broker;

    public KafkaTestBroker() {
        this(true);
    }

    /** @param provisionCatalogue false to start with no topics, e.g. to test provisioning itself */
    public KafkaTestBroker(boolean provisionCatalogue) {
        this.provisionCatalogue = provisionCatalogue;
    }

    public KafkaTestBroker start() {
        if (broker == null) {
            broker = new EmbeddedKafkaKraftBroker(1, 1);
            broker.brokerProperties(Map.of(
                    "group.initial.rebalance.delay.ms", "0",
                    // the services' group sessions are 3 s (service-support), under Kafka's default floor of 6 s
                    "group.min.session.timeout.ms", "1000",
                    "offsets.topic.num.partitions", "3",
                    "transaction.state.log.replication.factor", "1",
                    "transaction.state.log.min.isr", "1"));
            broker.afterPropertiesSet();
            if (provisionCatalogue) {
                try (Admin admin = admin()) {
                    new TopicProvisioner(admin).provision(Topics.ALL);
                }
            }
        }
        return this;
    }

    public String bootstrapServers() {
        return broker.getBrokersAsString();
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    /** Typed produce/consume helpers bound to this broker and the test registry. */
    public TypedKafka typed() {
        return new TypedKafka(bootstrapServers(), REGISTRY_URL);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public void close() {
        if (broker != null) {
            broker.destroy();
            broker = null;
        }
    }
}
