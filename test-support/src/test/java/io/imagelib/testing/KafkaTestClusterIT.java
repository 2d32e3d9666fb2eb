package io.imagelib.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.imagelib.avro.HealthStatus;
import io.imagelib.avro.HostHealth;
import io.imagelib.schemas.topics.Topics;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

/** Three brokers with controllers started first: topics are replicated and survive the loss of a broker. */
class KafkaTestClusterIT {

    @Test
    void catalogueTopicsAreReplicatedThreeTimesAndAcksAllSurvivesABrokerLoss() throws Exception {
        try (var cluster = new KafkaTestCluster(); var admin = cluster.admin()) {
            var roles = admin.describeTopics(List.of(Topics.HOST_HEALTH_NAME)).allTopicNames().get().get(Topics.HOST_HEALTH_NAME);
            assertThat(roles.partitions()).allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
            var resource = new ConfigResource(ConfigResource.Type.TOPIC, Topics.HOST_HEALTH_NAME);
            assertThat(admin.describeConfigs(List.of(resource)).all().get().get(resource).get("min.insync.replicas").value())
                    .isEqualTo("2");

            cluster.stopBroker(cluster.brokerIds().iterator().next());

            var typed = cluster.typed();
            typed.produce(Topics.HOST_HEALTH, "h1", HostHealth.newBuilder().setRegion("SJC").setHostId("h1")
                    .setStatus(HealthStatus.UP).setSince(Instant.now()).setObservedAt(Instant.now()).build());
            assertThat(typed.readAll(Topics.HOST_HEALTH)).extracting(r -> r.value().getHostId()).containsExactly("h1");
        }
    }
}
