package io.imagelib.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imagelib.schemas.topics.TopicConflictException;
import io.imagelib.schemas.topics.TopicProvisioner;
import io.imagelib.schemas.topics.TopicSpec;
import io.imagelib.schemas.topics.Topics;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The provisioner against a real broker that starts with no topics. */
class TopicProvisionerIT {

    @RegisterExtension
    static KafkaTestBroker kafka = new KafkaTestBroker(false);

    @Test
    void createsEveryCatalogueTopicAndItsDeadLetterTopicOnceThenNothing() throws Exception {
        try (Admin admin = kafka.admin()) {
            List<TopicSpec<String, ?>> specs = List.of(Topics.HOST_ROLES, Topics.ENDPOINT_COMMANDS);

            List<String> created = new TopicProvisioner(admin).provision(specs);

            assertThat(created).containsExactlyInAnyOrder("imagelib.host-roles", "imagelib.host-roles-dlt",
                    "imagelib.endpoint-commands", "imagelib.endpoint-commands-dlt");
            var roles = admin.describeTopics(List.of("imagelib.host-roles")).allTopicNames().get().get("imagelib.host-roles");
            assertThat(roles.partitions()).hasSize(Topics.HOST_ROLES.partitions());
            var rolesDlt = admin.describeTopics(List.of("imagelib.host-roles-dlt")).allTopicNames().get().get("imagelib.host-roles-dlt");
            assertThat(rolesDlt.partitions()).hasSize(TopicSpec.DLT_PARTITIONS);
            assertThat(config(admin, "imagelib.host-roles", "cleanup.policy")).isEqualTo("compact");
            assertThat(config(admin, "imagelib.host-roles-dlt", "cleanup.policy")).isEqualTo("delete");
            assertThat(config(admin, "imagelib.endpoint-commands", "cleanup.policy")).isEqualTo("delete");
            assertThat(config(admin, "imagelib.host-roles", "min.insync.replicas"))
                    .as("capped to the one-broker cluster").isEqualTo("1");

            assertThat(new TopicProvisioner(admin).provision(specs)).isEmpty();
        }
    }

    @Test
    void refusesExistingTopicsThatDisagreeWithTheCatalogueAndSaysHowToFixThem() throws Exception {
        try (Admin admin = kafka.admin()) {
            admin.createTopics(List.of(new NewTopic(Topics.ADMIN_ENDPOINT_NAME, 2, (short) 1)
                    .configs(Map.of("cleanup.policy", "delete")))).all().get();

            assertThatThrownBy(() -> new TopicProvisioner(admin).provision(List.of(Topics.ADMIN_ENDPOINT)))
                    .isInstanceOf(TopicConflictException.class)
                    .hasMessageContaining("imagelib.admin-endpoint: has 2 partitions, the catalogue says " + Topics.ADMIN_ENDPOINT.partitions())
                    .hasMessageContaining("docs/decisions/partition-sizing.md")
                    .hasMessageContaining("imagelib.admin-endpoint: cleanup.policy=delete, the catalogue says compact")
                    .satisfies(e -> assertThat(((TopicConflictException) e).conflicts()).hasSize(2));
        }
    }

    @Test
    void acceptsADeadLetterTopicOfAnyPartitionCountButNoOtherCountForItsKeyedTopic() throws Exception {
        try (Admin admin = kafka.admin()) {
            // As an older catalogue made them: the DLT as large as its topic.
            admin.createTopics(List.of(new NewTopic(Topics.ENDPOINT_COMMAND_RESULTS.deadLetterTopic(), 6, (short) 1)
                    .configs(Map.of("cleanup.policy", "delete")))).all().get();

            assertThat(new TopicProvisioner(admin).provision(List.of(Topics.ENDPOINT_COMMAND_RESULTS)))
                    .containsExactly(Topics.ENDPOINT_COMMAND_RESULTS_NAME);
            var dlt = admin.describeTopics(List.of(Topics.ENDPOINT_COMMAND_RESULTS.deadLetterTopic())).allTopicNames().get()
                    .get(Topics.ENDPOINT_COMMAND_RESULTS.deadLetterTopic());
            assertThat(dlt.partitions()).as("an existing DLT keeps its count").hasSize(6);
        }
    }

    private static String config(Admin admin, String topic, String name) throws Exception {
        var resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(resource)).all().get().get(resource).get(name).value();
    }
}
