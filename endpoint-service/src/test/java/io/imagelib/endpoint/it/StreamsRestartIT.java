package io.imagelib.endpoint.it;

import static io.imagelib.endpoint.kafka.Records.health;
import static io.imagelib.endpoint.kafka.Records.role;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.imagelib.avro.AdminChangeReason;
import io.imagelib.avro.AdminEndpoint;
import io.imagelib.avro.HealthStatus;
import io.imagelib.avro.HostHealth;
import io.imagelib.avro.ImageEndpoint;
import io.imagelib.endpoint.EndpointServiceApplication;
import io.imagelib.schemas.serde.ConfluentAvroSerializer;
import io.imagelib.schemas.topics.Topics;
import io.imagelib.testing.KafkaTestBroker;
import io.imagelib.testing.TypedKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Stops the election while health events keep flowing (they go on during the stop, the start and after it) and
 * starts a fresh instance (empty state directory, so
 * its store is restored from the changelog). Read with read_committed, the admin changes must form one unbroken
 * chain: epochs 1..N with none twice and none missing, each change naming the admin before it.
 */
class StreamsRestartIT {

    private static final String REGION = "RESTART";
    private static final int STOP_AFTER = 60;
    private static final int EVENTS_AFTER_RESTART = 90;
    private static final Duration EVENT_GAP = Duration.ofMillis(20);

    @RegisterExtension
    static KafkaTestBroker kafka = new KafkaTestBroker();

    private final TypedKafka typed = kafka.typed();

    private ConfigurableApplicationContext startService() {
        return new SpringApplicationBuilder(EndpointServiceApplication.class)
                .web(WebApplicationType.NONE)
                .run("--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                        "--imagelib.kafka.schema-registry-url=" + KafkaTestBroker.REGISTRY_URL,
                        "--imagelib.endpoint.streams.state-dir=target/streams-state/restart-" + UUID.randomUUID(),
                        "--imagelib.endpoint.streams.replication-factor=1");
    }

    @Test
    void aRestartMidStreamNeitherDuplicatesNorLosesAnAdminChange() throws Exception {
        ConfigurableApplicationContext first = startService();
        for (int i = 1; i <= 3; i++) {
            typed.produce(Topics.HOST_ROLES, host(i), role(REGION, host(i), 1_000L * i));
            typed.produce(Topics.HOST_HEALTH, host(i), health(REGION, host(i), HealthStatus.UP));
        }
        typed.await(Topics.ADMIN_ENDPOINT, r -> host(3).equals(r.value().getHostId()), Duration.ofSeconds(60));

        CountDownLatch halfway = new CountDownLatch(1);
        CountDownLatch restarted = new CountDownLatch(1);
        Map<String, HealthStatus> lastProduced = new ConcurrentHashMap<>();
        AtomicInteger produced = new AtomicInteger();
        Thread flapping = Thread.ofPlatform().name("health-flapping").start(() -> {
            try (var producer = new KafkaProducer<String, HostHealth>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                    new StringSerializer(), new ConfluentAvroSerializer<>(typed.registry()))) {
                int afterRestart = 0;
                for (int k = 0; afterRestart < EVENTS_AFTER_RESTART; k++) {
                    // h1, h2, h3 go DOWN one after the other, then UP again: failovers, NO_HEALTHY_HOST, recoveries.
                    String host = host(k % 3 + 1);
                    HealthStatus status = (k / 3) % 2 == 0 ? HealthStatus.DOWN : HealthStatus.UP;
                    producer.send(new ProducerRecord<>(Topics.HOST_HEALTH_NAME, host, health(REGION, host, status))).get();
                    lastProduced.put(host, status);
                    produced.incrementAndGet();
                    if (k == STOP_AFTER) {
                        halfway.countDown();
                    }
                    if (restarted.getCount() == 0) {
                        afterRestart++;
                    }
                    Thread.sleep(EVENT_GAP);
                }
            } catch (Exception e) {
                throw new IllegalStateException("flapping stopped", e);
            }
        });
        assertThat(halfway.await(2, TimeUnit.MINUTES)).isTrue();
        first.close();
        long epochAtStop = committedChanges().stream().mapToLong(r -> r.value().getEpoch()).max().orElse(0);
        try (ConfigurableApplicationContext second = startService()) {
            int producedAtRestart = produced.get();
            restarted.countDown();
            flapping.join(Duration.ofMinutes(2));
            // A newest host joins, then everything has been through the election once the published list shows
            // each host with the last status produced for it.
            typed.produce(Topics.HOST_ROLES, host(9), role(REGION, host(9), 9_000L));
            typed.produce(Topics.HOST_HEALTH, host(9), health(REGION, host(9), HealthStatus.UP));
            lastProduced.put(host(9), HealthStatus.UP);
            await().atMost(Duration.ofSeconds(90)).until(() -> lastPublishedStatuses().equals(lastProduced));

            List<AdminEndpoint> changes = committedChanges().stream().map(ConsumerRecord::value).toList();
            for (int i = 0; i < changes.size(); i++) {
                assertThat(changes.get(i).getEpoch()).as("epoch of change #%d: contiguous, never twice", i + 1)
                        .isEqualTo(i + 1);
                if (i > 0) {
                    assertThat(changes.get(i).getPreviousHostId()).as("change #%d follows the one before", i + 1)
                            .isEqualTo(changes.get(i - 1).getHostId());
                }
            }
            assertThat(epochAtStop).as("changes were published before the stop").isGreaterThan(3);
            assertThat(changes.size()).as("and after the restart").isGreaterThan((int) epochAtStop + 5);
            assertThat(changes).extracting(AdminEndpoint::getReason)
                    .contains(AdminChangeReason.FAILOVER, AdminChangeReason.NO_HEALTHY_HOST);
            System.out.printf("restart: %d health events (%d before the new instance was up), "
                            + "%d admin changes, %d before the stop, epochs 1..%d contiguous%n",
                    produced.get(), producedAtRestart, changes.size(), epochAtStop, changes.size());
        }
    }

    private static List<ConsumerRecord<String, AdminEndpoint>> committedChanges() {
        return CommittedRecords.readAll(kafka.bootstrapServers(), Topics.ADMIN_ENDPOINT).stream()
                .filter(r -> r.key().equals(REGION)).toList();
    }

    private static Map<String, HealthStatus> lastPublishedStatuses() {
        return CommittedRecords.readAll(kafka.bootstrapServers(), Topics.REGION_ENDPOINTS).stream()
                .filter(r -> r.key().equals(REGION)).reduce((first, second) -> second)
                .map(r -> r.value().getEndpoints().stream()
                        .collect(Collectors.toMap(ImageEndpoint::getHostId, ImageEndpoint::getStatus)))
                .orElse(Map.of());
    }

    private static String host(int i) {
        return REGION + "-h" + i;
    }
}
