package io.imagelib.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.imagelib.avro.HealthStatus;
import io.imagelib.avro.HostHealth;
import io.imagelib.avro.HostObservation;
import io.imagelib.avro.HostRole;
import io.imagelib.avro.ObservationKind;
import io.imagelib.avro.StorageBackend;
import io.imagelib.avro.StorageType;
import io.imagelib.monitor.probe.HostProber;
import io.imagelib.monitor.probe.ProbeMetrics;
import io.imagelib.monitor.probe.ProbeMetrics.Trigger;
import io.imagelib.schemas.serde.ConfluentAvroDeserializer;
import io.imagelib.schemas.topics.Topics;
import io.imagelib.testing.KafkaTestBroker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.core.ConsumerFactory;

/**
 * The monitor end to end on a real broker against real sockets on 127.0.0.1: a host that stops (refused), hangs
 * (accepts, never answers) or drains (503 DISABLED BY FILE) produces the right HostHealth on the topic, and the time
 * from the fault to the record arriving at a consumer is measured. Then two instances share hosts through the
 * consumer group and one of them dies without saying goodbye.
 */
class HostMonitorIT {

    private static final int TRIALS = 6;
    private static final Duration DETECTION_BOUND = Duration.ofMillis(2500);
    /**
     * A hung host's held probes are answered when it recovers, and those late answers raise its read allowance
     * ({@code ReadAllowance}: the slowest of the last 8 answers) for the next 8 probes (2 s at 250 ms). A trial measures
     * a settled host, so after a hang the next fault waits until 8 fresh answers have replaced them.
     */
    private static final Duration SETTLED_AFTER_HANG = Duration.ofMillis(2250);

    @RegisterExtension
    static KafkaTestBroker kafka = new KafkaTestBroker();

    static HealthTap health;
    static ConfigurableApplicationContext monitor;
    static final Map<String, List<Long>> latenciesMillis = Collections.synchronizedMap(new LinkedHashMap<>());

    @BeforeAll
    static void startMonitor() {
        health = new HealthTap(kafka.bootstrapServers());
        monitor = startInstance("monitor-main", "it-main");
    }

    @AfterAll
    static void stopAndReport() throws Exception {
        monitor.close();
        health.close();
        var report = new StringBuilder("fault -> HostHealth record received (ms), ").append(TRIALS).append(" trials each\n");
        List<Long> all = new ArrayList<>();
        latenciesMillis.forEach((fault, samples) -> {
            all.addAll(samples);
            report.append(summary(fault, samples));
        });
        report.append(summary("all", all));
        System.out.println(report);
        Files.writeString(Path.of("target", "fault-detection-latency.txt"), report);
    }

    @Test
    void aStoppedHostIsDownRefused() {
        measureDetection("refused (port closed)", FakeGlanceHost::stop, HealthStatus.DOWN, "refused", Duration.ZERO);
    }

    @Test
    void aHungHostIsDownTimeout() {
        measureDetection("hang (accept, no answer)", FakeGlanceHost::hang, HealthStatus.DOWN, "timeout", SETTLED_AFTER_HANG);
    }

    @Test
    void aHostDisabledByFileIsDraining() {
        measureDetection("503 DISABLED BY FILE", FakeGlanceHost::disabledByFile, HealthStatus.DRAINING, "disabled-by-file", Duration.ZERO);
    }

    @Test
    void aRemovedRoleStopsProbingAndRetractsTheHealthRecord() {
        try (var glance = FakeGlanceHost.start()) {
            String hostId = "retired-1";
            assignAndAwaitUp(hostId, glance);

            long removedAt = System.nanoTime();
            kafka.typed().produce(Topics.HOST_ROLES, hostId, null);
            health.awaitRecord(removedAt, hostId, r -> r.value() == null);
            assertThat(monitor.getBean(HostProber.class).watchedHostIds()).doesNotContain(hostId);
        }
    }

    @Test
    void aFailureObservationTriggersAnImmediateBurstOfProbes() {
        try (var glance = FakeGlanceHost.start()) {
            String hostId = "observed-1";
            assignAndAwaitUp(hostId, glance);
            var metrics = new ProbeMetrics(monitor.getBean(MeterRegistry.class));
            double before = metrics.probes(Trigger.OBSERVATION);

            kafka.typed().produce(Topics.HOST_OBSERVATIONS, hostId, HostObservation.newBuilder().setHostId(hostId)
                    .setRegion("SJC").setKind(ObservationKind.CONNECTION_REFUSED).setObserver("image-router-it")
                    .setObservedAt(Instant.now()).build());

            await().atMost(Duration.ofSeconds(10)).until(() -> metrics.probes(Trigger.OBSERVATION) >= before + 2);
        }
    }

    /**
     * Busy, not dead: a host whose probes all time out (it accepts and never answers) while a router reports it serving
     * requests (kind SERVED, every 250 ms like the router) stays UP, each timeout excused; once the reports stop, the
     * same timeouts take it DOWN within the grace (500 ms) plus the usual rounds.
     */
    @Test
    void aHostWhoseProbesTimeOutStaysUpWhileARouterReportsItServingAndGoesDownWhenTheReportsStop() throws Exception {
        try (var glance = FakeGlanceHost.start()) {
            String hostId = "busy-1";
            assignAndAwaitUp(hostId, glance);
            MeterRegistry meters = monitor.getBean(MeterRegistry.class);
            var reporting = new AtomicBoolean(true);
            Thread router = Thread.ofPlatform().name("served-reports").start(() -> {
                while (reporting.get()) {
                    kafka.typed().produce(Topics.HOST_OBSERVATIONS, hostId, HostObservation.newBuilder().setHostId(hostId)
                            .setRegion("SJC").setKind(ObservationKind.SERVED).setObserver("image-router-it")
                            .setObservedAt(Instant.now()).build());
                    sleepMillis(250);
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> count(meters, ProbeMetrics.SERVED) > 0);

            long hungAt = System.nanoTime();
            glance.hang();
            sleepMillis(5_000);
            // A periodic republish of UP may come by; a transition may not.
            assertThat(health.records(hungAt, hostId)).as("records of %s while it was served and its probes timed out", hostId)
                    .allSatisfy(r -> assertThat(r.value().getStatus()).isEqualTo(HealthStatus.UP));
            assertThat(count(meters, ProbeMetrics.EXCUSED)).as("timeouts excused in 5 s (20 rounds)").isGreaterThanOrEqualTo(10);

            reporting.set(false);
            router.join();
            long stoppedAt = System.nanoTime();
            var down = health.awaitRecord(stoppedAt, hostId, r -> r.value() != null && r.value().getStatus() != HealthStatus.UP);
            assertThat(down.value().getStatus()).isEqualTo(HealthStatus.DOWN);
            assertThat(down.value().getReason()).isEqualTo("timeout");
            long millis = TimeUnit.NANOSECONDS.toMillis(down.receivedNanos() - stoppedAt);
            System.out.printf("busy host: UP for 5 s of timed-out probes while served; DOWN %d ms after the last report%n", millis);
            assertThat(millis).isLessThanOrEqualTo(DETECTION_BOUND.toMillis() + 500);
        }
    }

    /**
     * Two instances in one group split the hosts; one dies without leaving the group (no LeaveGroup, like a killed
     * process), so the broker notices only after the group session (imagelib.kafka.group-session, 3 s) and the survivor takes its partitions,
     * rebuilds their hosts and still detects a DOWN on a host the dead one used to watch.
     */
    @Test
    void whenAnInstanceDiesTheOtherTakesItsHostsWithinSeconds() {
        List<String> hostIds = IntStream.range(0, 12).mapToObj(i -> "shared-" + i).toList();
        try (var glance = FakeGlanceHost.start();
             var a = startInstance("monitor-a", "it-failover");
             var b = startInstance("monitor-b", "it-failover", "--spring.kafka.consumer.properties.internal.leave.group.on.close=false")) {
            assertThat(b.getBean(ConsumerFactory.class).getConfigurationProperties())
                    .as("the group session service-support sets, not Kafka's 45 s or the old 6 s")
                    .containsEntry("session.timeout.ms", 3000).containsEntry("heartbeat.interval.ms", 1000);
            long mark = System.nanoTime();
            hostIds.forEach(id -> kafka.typed().produce(Topics.HOST_ROLES, id, role(id, glance.url())));
            HostProber proberA = a.getBean(HostProber.class);
            HostProber proberB = b.getBean(HostProber.class);
            await().atMost(Duration.ofSeconds(30)).until(() -> watched(proberA, hostIds).size() + watched(proberB, hostIds).size() == hostIds.size()
                    && !watched(proberA, hostIds).isEmpty() && !watched(proberB, hostIds).isEmpty());
            Set<String> ofB = watched(proberB, hostIds);
            String orphan = ofB.iterator().next();
            health.awaitRecord(mark, orphan, r -> r.value() != null && "monitor-b".equals(r.value().getMonitorId())
                    && r.value().getStatus() == HealthStatus.UP);

            long died = System.nanoTime();
            b.close();
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                    .until(() -> watched(proberA, hostIds).containsAll(hostIds));
            long takeoverMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - died);
            System.out.printf("monitor-a took over %d hosts of monitor-b %d ms after it died%n", ofB.size(), takeoverMillis);
            assertThat(takeoverMillis).isLessThan(15_000);

            await().atMost(Duration.ofSeconds(5)).until(() -> proberA.statuses().get(orphan) == io.imagelib.monitor.domain.HostStatus.UP);
            long fault = System.nanoTime();
            glance.stop();
            var down = health.awaitRecord(fault, orphan, r -> r.value() != null && "monitor-a".equals(r.value().getMonitorId())
                    && r.value().getStatus() == HealthStatus.DOWN);
            assertThat(down.value().getReason()).isEqualTo("refused");
            System.out.printf("monitor-a detected DOWN of %s (was monitor-b's) %d ms after the fault%n", orphan,
                    TimeUnit.NANOSECONDS.toMillis(down.receivedNanos() - fault));
        }
    }

    /**
     * A reader's view lost a host's record (here: a tombstone on imagelib.host-health, as a reader that re-reads the
     * compacted topic would then see nothing): the monitor's periodic republish puts the same state back within one
     * period, with no transition in between.
     */
    @Test
    void aLostHealthRecordIsBackWithinOneRepublishPeriod() {
        Duration period = Duration.ofSeconds(3);
        try (var glance = FakeGlanceHost.start();
             var republishing = startInstance("monitor-republish", "it-republish", "--imagelib.monitor.republish-every=" + period.toMillis() + "ms")) {
            String hostId = "republished-1";
            long mark = System.nanoTime();
            kafka.typed().produce(Topics.HOST_ROLES, hostId, role(hostId, glance.url()));
            var up = health.awaitRecord(mark, hostId, r -> r.value() != null && "monitor-republish".equals(r.value().getMonitorId())
                    && r.value().getStatus() == HealthStatus.UP);
            var counter = republishing.getBean(MeterRegistry.class).get("imagelib.monitor.republishes").counter();
            double before = counter.count();

            long lost = System.nanoTime();
            kafka.typed().produce(Topics.HOST_HEALTH, hostId, null);
            var healed = health.awaitRecord(lost, hostId, r -> r.value() != null && "monitor-republish".equals(r.value().getMonitorId()));
            long healMillis = TimeUnit.NANOSECONDS.toMillis(healed.receivedNanos() - lost);
            System.out.printf("host-health record of %s back %d ms after it was lost (republish every %d ms)%n", hostId,
                    healMillis, period.toMillis());
            assertThat(healed.value()).as("the same state, not a new transition").isEqualTo(up.value());
            assertThat(healMillis).isLessThanOrEqualTo(period.toMillis() + DETECTION_BOUND.toMillis());
            assertThat(counter.count()).isGreaterThan(before);
        }
    }

    private void measureDetection(String fault, java.util.function.Consumer<FakeGlanceHost> inject,
                                  HealthStatus expected, String reason, Duration settle) {
        String hostId = "fault-" + reason;
        List<Long> samples = new ArrayList<>();
        try (var glance = FakeGlanceHost.start()) {
            long mark = System.nanoTime();
            kafka.typed().produce(Topics.HOST_ROLES, hostId, role(hostId, glance.url()));
            for (int trial = 0; trial < TRIALS; trial++) {
                glance.healthy();
                health.awaitRecord(mark, hostId, r -> r.value() != null && r.value().getStatus() == HealthStatus.UP);
                if (trial > 0) {
                    sleepMillis(settle.toMillis());
                }
                sleepMillis(ThreadLocalRandom.current().nextLong(100, 400)); // fault at a random phase of the probe cycle

                long faultAt = System.nanoTime();
                inject.accept(glance);
                var seen = health.awaitRecord(faultAt, hostId, r -> r.value() != null && r.value().getStatus() != HealthStatus.UP);
                assertThat(seen.value().getStatus()).isEqualTo(expected);
                assertThat(seen.value().getReason()).isEqualTo(reason);
                assertThat(seen.value().getMonitorId()).isEqualTo("monitor-main");
                samples.add(TimeUnit.NANOSECONDS.toMillis(seen.receivedNanos() - faultAt));
                mark = System.nanoTime();
            }
        }
        latenciesMillis.put(fault, samples);
        assertThat(samples).allSatisfy(ms -> assertThat(ms).isLessThanOrEqualTo(DETECTION_BOUND.toMillis()));
    }

    /** Gives the host the role and waits for its first status, UP, on the topic. */
    private static void assignAndAwaitUp(String hostId, FakeGlanceHost glance) {
        long mark = System.nanoTime();
        kafka.typed().produce(Topics.HOST_ROLES, hostId, role(hostId, glance.url()));
        health.awaitRecord(mark, hostId, r -> r.value() != null && r.value().getStatus() == HealthStatus.UP);
    }

    private static double count(MeterRegistry meters, String counter) {
        return meters.find(counter).counters().stream().mapToDouble(Counter::count).sum();
    }

    private static Set<String> watched(HostProber prober, List<String> hostIds) {
        return prober.watchedHostIds().stream().filter(hostIds::contains).collect(Collectors.toSet());
    }

    static ConfigurableApplicationContext startInstance(String instanceId, String group, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--imagelib.kafka.schema-registry-url=" + KafkaTestBroker.REGISTRY_URL,
                "--imagelib.kafka.instance-id=" + instanceId,
                "--imagelib.monitor.roles-group=" + group));
        args.addAll(List.of(extra));
        return new SpringApplicationBuilder(HostMonitorApplication.class).web(WebApplicationType.NONE)
                .run(args.toArray(String[]::new));
    }

    static HostRole role(String hostId, URI url) {
        return HostRole.newBuilder().setRegion("SJC").setHostId(hostId).setPublicUrl(url.toString())
                .setAdminUrl("https://127.0.0.1:9494")
                .setStorage(StorageBackend.newBuilder().setType(StorageType.NFS)
                        .setMountPath("/var/opt/imagelibrary/data").setStorageId("nfs-1").build())
                .setAssignedAt(Instant.now()).build();
    }

    static String summary(String label, List<Long> samples) {
        List<Long> sorted = samples.stream().sorted().toList();
        return String.format("%-26s n=%2d min=%4d p50=%4d p99=%4d max=%4d%n", label, sorted.size(), sorted.getFirst(),
                percentile(sorted, 50), percentile(sorted, 99), sorted.getLast());
    }

    /** Nearest-rank percentile. */
    static long percentile(List<Long> sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(rank, 1) - 1);
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Follows imagelib.host-health from the start and stamps each record with the moment it arrived here. */
    static final class HealthTap implements AutoCloseable {

        record Seen(long receivedNanos, String key, HostHealth value) {
        }

        private final List<Seen> seen = new CopyOnWriteArrayList<>();
        private final Thread poller;
        private volatile boolean running = true;

        HealthTap(String bootstrapServers) {
            var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                    new StringDeserializer(), new ConfluentAvroDeserializer<>(kafka.typed().registry(), HostHealth.class));
            var partitions = consumer.partitionsFor(Topics.HOST_HEALTH_NAME).stream()
                    .map(p -> new TopicPartition(Topics.HOST_HEALTH_NAME, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            poller = Thread.ofPlatform().name("health-tap").start(() -> {
                try (consumer) {
                    while (running) {
                        consumer.poll(Duration.ofMillis(20)).forEach(r -> seen.add(new Seen(System.nanoTime(), r.key(), r.value())));
                    }
                }
            });
        }

        /** Every record of {@code hostId} received after {@code afterNanos}. */
        List<Seen> records(long afterNanos, String hostId) {
            return seen.stream().filter(s -> s.receivedNanos() > afterNanos && s.key().equals(hostId)).toList();
        }

        /** The first record of {@code hostId} received after {@code afterNanos} that matches. */
        Seen awaitRecord(long afterNanos, String hostId, Predicate<Seen> match) {
            return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5)).until(
                    () -> seen.stream().filter(s -> s.receivedNanos() > afterNanos && s.key().equals(hostId) && match.test(s))
                            .findFirst().orElse(null),
                    java.util.Objects::nonNull);
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            poller.join(5000);
        }
    }
}
