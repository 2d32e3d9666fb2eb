package io.imagelib.endpoint.kafka;

import static io.imagelib.endpoint.kafka.Records.adminUrl;
import static io.imagelib.endpoint.kafka.Records.health;
import static io.imagelib.endpoint.kafka.Records.role;
import static io.imagelib.endpoint.kafka.Records.setAdmin;
import static org.assertj.core.api.Assertions.assertThat;

import io.imagelib.avro.AdminChangeReason;
import io.imagelib.avro.AdminEndpoint;
import io.imagelib.avro.CommandOutcome;
import io.imagelib.avro.EndpointCommand;
import io.imagelib.avro.EndpointCommandResult;
import io.imagelib.avro.HealthStatus;
import io.imagelib.avro.HostHealth;
import io.imagelib.avro.HostRole;
import io.imagelib.avro.ImageEndpoint;
import io.imagelib.avro.RegionEndpoints;
import io.imagelib.schemas.registry.SchemaRegistries;
import io.imagelib.schemas.registry.SchemaRegistry;
import io.imagelib.schemas.serde.AvroSerdes;
import io.imagelib.schemas.topics.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.kafka.support.KafkaHeaders;

/** The topology wiring without a broker: re-keying by region, tombstones, commands and what gets published. */
class ElectionTopologyTest {

    private static final String SJC = "SJC";

    @TempDir
    Path stateDir;

    private final SchemaRegistry registry = SchemaRegistries.forUrl("mock://topology-test");
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<String, HostRole> roles;
    private TestInputTopic<String, HostHealth> healths;
    private TestInputTopic<String, EndpointCommand> commands;
    private TestOutputTopic<String, AdminEndpoint> admins;
    private TestOutputTopic<String, RegionEndpoints> lists;
    private TestOutputTopic<String, EndpointCommandResult> results;

    @BeforeEach
    void start() {
        StreamsBuilder builder = new StreamsBuilder();
        ElectionTopology.build(builder, registry, Clock.systemUTC(), new ElectionMetrics(meters));
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "endpoint-service-test");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(builder.build(), config);
        StringSerializer keys = new StringSerializer();
        roles = driver.createInputTopic(Topics.HOST_ROLES_NAME, keys, AvroSerdes.value(registry, HostRole.class).serializer());
        healths = driver.createInputTopic(Topics.HOST_HEALTH_NAME, keys, AvroSerdes.value(registry, HostHealth.class).serializer());
        commands = driver.createInputTopic(Topics.ENDPOINT_COMMANDS_NAME, keys,
                AvroSerdes.value(registry, EndpointCommand.class).serializer());
        admins = driver.createOutputTopic(Topics.ADMIN_ENDPOINT_NAME, new StringDeserializer(),
                AvroSerdes.value(registry, AdminEndpoint.class).deserializer());
        lists = driver.createOutputTopic(Topics.REGION_ENDPOINTS_NAME, new StringDeserializer(),
                AvroSerdes.value(registry, RegionEndpoints.class).deserializer());
        results = driver.createOutputTopic(Topics.ENDPOINT_COMMAND_RESULTS_NAME, new StringDeserializer(),
                AvroSerdes.value(registry, EndpointCommandResult.class).deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private void threeHostsUp() {
        for (int i = 1; i <= 3; i++) {
            roles.pipeInput("h" + i, role(SJC, "h" + i, 1_000L * i));
            healths.pipeInput("h" + i, health(SJC, "h" + i, HealthStatus.UP));
        }
    }

    @Test
    void theLastAssignedHostBecomesAdminAndTheListIsPublishedByRegion() {
        threeHostsUp();

        List<AdminEndpoint> published = admins.readValuesToList();
        assertThat(published).extracting(AdminEndpoint::getHostId).containsExactly("h1", "h2", "h3");
        assertThat(published).extracting(AdminEndpoint::getEpoch).containsExactly(1L, 2L, 3L);
        assertThat(published.getLast().getUrl()).isEqualTo(adminUrl("h3"));
        RegionEndpoints list = lists.readKeyValuesToMap().get(SJC);
        assertThat(list.getEpoch()).isEqualTo(3);
        assertThat(list.getEndpoints()).extracting(ImageEndpoint::getHostId).containsExactly("h1", "h2", "h3");
        assertThat(list.getEndpoints()).extracting(ImageEndpoint::getAdmin).containsExactly(false, false, true);
        assertThat(list.getEndpoints()).extracting(ImageEndpoint::getStatus).containsOnly(HealthStatus.UP);
    }

    @Test
    void theAdminsHostGoingDownPublishesAFailoverWithTheNextEpoch() {
        threeHostsUp();
        admins.readValuesToList();

        healths.pipeInput("h3", health(SJC, "h3", HealthStatus.DOWN));

        AdminEndpoint failover = admins.readValue();
        assertThat(failover.getHostId()).isEqualTo("h2");
        assertThat(failover.getEpoch()).isEqualTo(4);
        assertThat(failover.getReason()).isEqualTo(AdminChangeReason.FAILOVER);
        assertThat(failover.getPreviousHostId()).isEqualTo("h3");
        assertThat(meters.counter("imagelib.endpoint.admin.changes", "region", SJC, "reason", "FAILOVER").count())
                .isEqualTo(1);
    }

    @Test
    void aRoleTombstoneReachesItsRegion() {
        threeHostsUp();
        admins.readValuesToList();

        roles.pipeInput("h3", null);

        AdminEndpoint moved = admins.readValue();
        assertThat(moved.getReason()).isEqualTo(AdminChangeReason.ROLE_REMOVED);
        assertThat(moved.getHostId()).isEqualTo("h2");
        assertThat(lists.readKeyValuesToMap().get(SJC).getEndpoints()).extracting(ImageEndpoint::getHostId)
                .containsExactly("h1", "h2");
    }

    @Test
    void aManualSetIsAnsweredByRequestIdAndRefusalsCarryTheRule() {
        threeHostsUp();
        healths.pipeInput("h2", health(SJC, "h2", HealthStatus.DOWN));
        admins.readValuesToList();

        commands.pipeInput(SJC, setAdmin("ok-1", SJC, adminUrl("h1")));
        commands.pipeInput(SJC, setAdmin("down-1", SJC, adminUrl("h2")));
        commands.pipeInput(SJC, setAdmin("nobody-1", SJC, "https://10.9.9.9:9494"));

        List<EndpointCommandResult> answers = results.readValuesToList();
        assertThat(answers).extracting(EndpointCommandResult::getRequestId).containsExactly("ok-1", "down-1", "nobody-1");
        assertThat(answers.get(0).getOutcome()).isEqualTo(CommandOutcome.ACCEPTED);
        assertThat(answers.get(0).getHostId()).isEqualTo("h1");
        assertThat(answers.get(0).getEpoch()).isEqualTo(4);
        assertThat(answers.get(1).getOutcome()).isEqualTo(CommandOutcome.REFUSED);
        assertThat(answers.get(1).getRefusal()).isEqualTo("host-not-healthy");
        assertThat(answers.get(1).getReason()).contains("h2", "DOWN");
        assertThat(answers.get(2).getRefusal()).isEqualTo("unknown-host");
        AdminEndpoint manual = admins.readValue();
        assertThat(manual.getReason()).isEqualTo(AdminChangeReason.MANUAL);
        assertThat(manual.getDetail()).contains("test");
        assertThat(admins.isEmpty()).as("refusals publish no admin change").isTrue();
        assertThat(meters.counter("imagelib.endpoint.commands", "region", SJC, "outcome", "REFUSED").count()).isEqualTo(2);
        assertThat(meters.counter("imagelib.endpoint.commands", "region", SJC, "outcome", "ACCEPTED").count()).isEqualTo(1);
    }

    /** ReplyingKafkaTemplate matches an answer by this header: a topology that drops it turns every PATCH into a 504. */
    @Test
    void theAnswerCarriesTheCommandsCorrelationHeader() {
        threeHostsUp();
        byte[] correlation = "correlation-1".getBytes(StandardCharsets.UTF_8);
        Headers headers = new RecordHeaders().add(KafkaHeaders.CORRELATION_ID, correlation);

        commands.pipeInput(new TestRecord<>(SJC, setAdmin("ok-1", SJC, adminUrl("h1")), headers));
        commands.pipeInput(SJC, setAdmin("nobody-1", SJC, "https://10.9.9.9:9494"));

        TestRecord<String, EndpointCommandResult> accepted = results.readRecord();
        assertThat(accepted.value().getRequestId()).isEqualTo("ok-1");
        assertThat(accepted.headers().lastHeader(KafkaHeaders.CORRELATION_ID).value()).isEqualTo(correlation);
        TestRecord<String, EndpointCommandResult> refused = results.readRecord();
        assertThat(refused.value().getRequestId()).isEqualTo("nobody-1");
        assertThat(refused.headers().lastHeader(KafkaHeaders.CORRELATION_ID)).as("no header, no correlation").isNull();
    }

    @Test
    void aRegionWithoutStateResumesAboveTheLastPublishedEpoch() {
        TestInputTopic<String, AdminEndpoint> published = driver.createInputTopic(Topics.ADMIN_ENDPOINT_NAME,
                new StringSerializer(), AvroSerdes.value(registry, AdminEndpoint.class).serializer());
        published.pipeInput("LAX", AdminEndpoint.newBuilder().setRegion("LAX").setHostId("old").setUrl(adminUrl("old"))
                .setEpoch(41).setReason(AdminChangeReason.FAILOVER).setChangedAt(java.time.Instant.now()).build());
        admins.readValuesToList();

        roles.pipeInput("l1", role("LAX", "l1", 1_000L));
        healths.pipeInput("l1", health("LAX", "l1", HealthStatus.UP));

        List<AdminEndpoint> after = admins.readValuesToList().stream().filter(a -> a.getRegion().equals("LAX")).toList();
        assertThat(after).isNotEmpty();
        assertThat(after.getFirst().getEpoch()).as("the epoch never goes back").isEqualTo(42);
        assertThat(after.getLast().getHostId()).isEqualTo("l1");
    }

    @Test
    void unchangedFactsPublishNothing() {
        threeHostsUp();
        admins.readValuesToList();
        lists.readValuesToList();

        healths.pipeInput("h1", health(SJC, "h1", HealthStatus.UP));

        assertThat(admins.isEmpty()).isTrue();
        assertThat(lists.isEmpty()).isTrue();
    }
}
