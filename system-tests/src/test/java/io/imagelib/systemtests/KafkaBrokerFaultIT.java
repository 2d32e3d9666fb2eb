package io.imagelib.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import io.imagelib.avro.AdminEndpoint;
import io.imagelib.avro.HealthStatus;
import io.imagelib.avro.HostHealth;
import io.imagelib.deploy.local.KafkaCluster;
import io.imagelib.deploy.local.KafkaNode;
import io.imagelib.schemas.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One Kafka broker of three killed (kill -9; catalogue topics at replication factor 3, min.insync 2) during 50
 * concurrent downloads and an admin-host kill: the failover still happens, no download fails, role assignment still
 * works; then the broker restarts and every partition is back to three in-sync replicas.
 *
 * <p>Names the endpoint-service's group and transaction coordinators at each kill (a coordinator on the dead broker
 * has to be loaded by a survivor and found again by the stream thread), times the chain from the kill (broker fenced,
 * partition leader moved, DOWN decided and seen, admin decided and seen, upload ok) and asserts the fencing bound, no
 * live broker fenced (flapping), and loose failover bounds (docs/system-tests.md, "Kafka broker fault: where the
 * seconds go").
 *
 * <p>Passes on an idle machine (0 of 925 and 0 of 604 downloads failed, 2026-11-25) but not under CPU starvation:
 * at load average 40 the 50 downloads kept the single-worker Glance hosts so busy that the monitor's 400 ms
 * healthcheck timeout marked live hosts DOWN, sometimes all at once, and the router answered 503 (3 of 294 and 71 of
 * 398 downloads failed). The goal stays asserted.
 *
 * <p>The tests run in the order of the story (one broker kill serves all three), but each first brings the cluster
 * to the state it needs ({@link #allBrokersUp}, {@link #oneBrokerDown}), so any of them also runs alone or in another
 * order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaBrokerFaultIT {

    @RegisterExtension
    static final GlanceTestBed BED = new GlanceTestBed(3).skippedWhen(ServicesFailoverIT::missingServices);

    /** Only how long to wait for the failover at all; what is asserted has its own bounds below. */
    static final Duration FAILOVER_WAIT = Duration.ofSeconds(60);
    /**
     * The controller fences the dead broker within broker.session.timeout.ms (3 s, KafkaCluster.BROKER_FENCING) of its
     * last heartbeat: measured 2.85 and 3.18 s at load 27-35 (7-9 s with Kafka's default 9 s). Slack for the
     * controller's own scheduling on a starved machine; a session timeout back at 9 s fails this.
     */
    static final Duration FENCED_BOUND = Duration.ofMillis(4500);
    /**
     * Combined nodes only (dedicated controllers never die with a broker): when the dead broker was also the active
     * controller, the voters first notice after controller.quorum.fetch.timeout.ms
     * (2 s), elect a new leader, and the new controller starts every broker's session afresh: measured 5.84 s (quorum
     * leader elected 2.2 s after the kill, active 2.7 s, fenced 3.1 s later).
     */
    static final Duration FENCED_BOUND_CONTROLLER_TOO = FENCED_BOUND.plusSeconds(3);
    /**
     * Not issue 19's 5 s p99 goal, which the rounds report (Round.summary) and docs/benchmarks/2026-12-07-broker-loss.md
     * compares: a CI machine at load 40+ is not where to assert it. With 62 partitions instead of 245 measured 6.2-6.8 s
     * at load 12-24 and up to 12.5 s at load 30-45 (dead broker only), 9.9-19.6 s (dead broker also the active
     * controller); before, 8.1-11.2 s at load 10-35 and 28 s at load 41 (controller too).
     */
    static final Duration NEW_ADMIN_BOUND = Duration.ofSeconds(20);
    /**
     * Measured 11.9, 15.6 and 18.8 s at load 10-35: the upload waits behind 50 downloads on the two surviving
     * single-worker Glance hosts (0.9-9.5 s after the new admin was published). Headroom x1.6.
     */
    static final Duration UPLOAD_BOUND = Duration.ofSeconds(30);

    /**
     * Three brokers and three dedicated controllers, as in production (deploy/compose, deploy/systemd): a broker's
     * death never takes the active controller with it, which on combined nodes cost 4-5 s of fencing in one kill of
     * three. {@code -Dimagelib.systemtests.broker-fault.kafka=THREE_COMBINED} measures the combined layout.
     */
    static final KafkaCluster.Topology TOPOLOGY = KafkaCluster.Topology.valueOf(
            System.getProperty("imagelib.systemtests.broker-fault.kafka", KafkaCluster.Topology.DEDICATED_CONTROLLERS.name()));

    static ServicesUnderTest services;
    static int killedBroker;
    static GlanceHosts.Host killedAdmin;

    @BeforeAll
    static void startOnThreeBrokers() throws Exception {
        services = ServicesUnderTest.start(BED, "kafka-broker-fault", ServiceStack.Options.defaults().withKafka(TOPOLOGY));
    }

    @AfterAll
    static void stop() {
        if (services != null) {
            services.close();
        }
    }

    /**
     * Kill rounds of test 1: one in CI; more for a percentile (issue 19's goal is a p99), e.g.
     * {@code -Dimagelib.systemtests.broker-fault.rounds=10}. Each round starts from three in-sync brokers and three
     * healthy Glance hosts and kills the broker leading the admin-endpoint partition with the admin host.
     */
    static final int ROUNDS = Integer.getInteger("imagelib.systemtests.broker-fault.rounds", 1);

    @Test
    @Order(1)
    void aBrokerAndTheAdminHostKilledTogetherStillFailOverWithNoFailedDownload() throws Exception {
        List<Round> rounds = new ArrayList<>();
        List<AssertionError> failed = new ArrayList<>();
        for (int round = 1; round <= ROUNDS; round++) {
            allBrokersUp();
            if (killedAdmin != null) {
                long restored = System.nanoTime();
                BED.glance().restore(killedAdmin);
                services.events().await(Topics.HOST_HEALTH, restored, Scenarios.status(killedAdmin, HealthStatus.UP),
                        FAILOVER_WAIT);
            }
            try {
                killBrokerAndAdminTogether(round, rounds);
            } catch (AssertionError e) { // the next rounds still measure; every failure is thrown at the end
                GlanceHosts.report("broker fault round %d failed: %s", round, e.getMessage());
                failed.add(e);
            }
            GlanceHosts.report("broker fault rounds so far: %s", Round.summary(rounds));
        }
        if (!failed.isEmpty()) {
            failed.stream().skip(1).forEach(failed.getFirst()::addSuppressed);
            throw failed.getFirst();
        }
    }

    /** One round's kill -> new admin, and whether the dead broker was also the active controller (slower fencing). */
    record Round(long toNewAdminMillis, boolean controllerToo) {

        /** Nearest-rank percentiles; with fewer than 100 rounds the p99 is the maximum. */
        static String summary(List<Round> rounds) {
            return "kill -> new admin (ms) " + rounds.stream().map(r -> r.toNewAdminMillis() + (r.controllerToo() ? "c" : "")).toList()
                    + " (c: the dead broker was also the active controller); all " + percentiles(rounds)
                    + "; broker only " + percentiles(rounds.stream().filter(r -> !r.controllerToo()).toList());
        }

        private static String percentiles(List<Round> rounds) {
            if (rounds.isEmpty()) {
                return "n=0";
            }
            long[] sorted = rounds.stream().mapToLong(Round::toNewAdminMillis).sorted().toArray();
            return "n=" + sorted.length + " p50 " + rank(sorted, 0.50) + " p99 " + rank(sorted, 0.99) + " max " + sorted[sorted.length - 1];
        }

        private static long rank(long[] sorted, double p) {
            return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
        }
    }

    /** One kill of both; adds the round to {@code rounds} once measured, then asserts its bounds. */
    private void killBrokerAndAdminTogether(int round, List<Round> rounds) throws Exception {
        ServiceStack stack = services.stack;
        EventLog events = services.events();
        AdminEndpoint before = services.admin();
        killedAdmin = Scenarios.host(BED.glance(), before.getHostId());
        int quorumLeader;
        try (KafkaReplicas replicas = new KafkaReplicas(stack.bootstrapServers())) {
            // The broker leading the region's admin-endpoint partition: the one the failover has to write through.
            killedBroker = replicas.leaderFor(Topics.ADMIN_ENDPOINT_NAME, Scenarios.REGION);
            quorumLeader = replicas.quorumLeader();
            GlanceHosts.report("broker fault round %d: killing broker %d, leader of %d catalogue partitions%s; endpoint-service's %s",
                    round, killedBroker, replicas.partitionsLedBy(ServicesUnderTest.CATALOGUE, killedBroker),
                    killedBroker == quorumLeader ? " and the active controller" : " (active controller: " + quorumLeader + ")",
                    replicas.coordinatorsOf("endpoint-service"));
        }
        Instant loadStart = Instant.now();
        var load = new DownloadLoad(services.prepared.viaRouter(), 50)
                .start(stack.router(), services.prepared.imageId(), services.prepared.sha256(), Duration.ofSeconds(20));
        GlanceHosts.sleep(Duration.ofSeconds(2));
        Instant faultWall = Instant.now();
        long fault = System.nanoTime();
        stack.kafka().kill(killedBroker);
        BED.glance().kill(killedAdmin);
        var leaderMoved = CompletableFuture.supplyAsync(() -> {
            try (KafkaReplicas replicas = new KafkaReplicas(stack.bootstrapServers())) {
                return replicas.awaitLeaderOtherThan(Topics.ADMIN_ENDPOINT_NAME, Scenarios.REGION, killedBroker, FAILOVER_WAIT);
            }
        }, runnable -> Thread.ofVirtual().start(runnable));

        EventLog.Event newAdmin = Scenarios.awaitNewAdmin(events, fault, killedAdmin.id(), before.getEpoch(), FAILOVER_WAIT)
                .orElseThrow(() -> new AssertionError("No new admin within " + FAILOVER_WAIT + " of killing broker "
                        + killedBroker + " and admin host " + killedAdmin.id()));
        // While the 50 downloads still run: the first upload through the router to the new admin.
        long uploaded = Scenarios.uploadVerified(services.prepared.viaRouter(), stack, "after-broker-kill", Duration.ofSeconds(30));
        var down = events.await(Topics.HOST_HEALTH, fault, Scenarios.status(killedAdmin, HealthStatus.DOWN), Duration.ofSeconds(1));
        DownloadLoad.Result result = load.await(fault);
        AdminEndpoint elected = (AdminEndpoint) newAdmin.value();
        long moved = leaderMoved.join().orElse(-1);
        List<BrokerFencings.Fencing> fencings = BrokerFencings.since(stack.kafka().nodes().stream().map(KafkaNode::logFile).toList(),
                loadStart);
        Optional<Instant> fenced = fencings.stream().filter(f -> f.brokerId() == killedBroker && !f.at().isBefore(faultWall))
                .map(BrokerFencings.Fencing::at).findFirst();

        Duration toNewAdmin = Duration.ofNanos(newAdmin.receivedNanos() - fault);
        Duration toUpload = Duration.ofNanos(uploaded - fault);
        // The chain, each step from the kill: wall-clock steps (broker log, records' own timestamps) from faultWall,
        // steps seen in this JVM from the nanoTime; one machine, one clock.
        GlanceHosts.report("broker fault chain, round %d (ms after the kill): broker %d fenced %s, admin-endpoint leader moved %s, "
                        + "DOWN decided %s, DOWN record seen %s, admin decided %s, new admin %s (epoch %d -> %d) seen %d, upload ok %d; "
                        + "downloads %d, failed %d %s; other brokers fenced: %s",
                round, killedBroker, fenced.map(at -> ms(faultWall, at)).orElse("(not in the logs)"),
                moved < 0 ? "(not seen)" : Long.toString((moved - fault) / 1_000_000),
                down.map(d -> ms(faultWall, ((HostHealth) d.value()).getObservedAt())).orElse("(none)"),
                down.map(d -> Long.toString((d.receivedNanos() - fault) / 1_000_000)).orElse("(none)"),
                ms(faultWall, elected.getChangedAt()), elected.getHostId(), before.getEpoch(), elected.getEpoch(),
                toNewAdmin.toMillis(), toUpload.toMillis(), result.total(), result.failed(), result.sampleErrors(),
                fencings.stream().filter(f -> f.brokerId() != killedBroker).toList());

        rounds.add(new Round(toNewAdmin.toMillis(), killedBroker == quorumLeader));

        assertThat(elected.getEpoch()).isGreaterThan(before.getEpoch());
        assertThat(fencings).as("live brokers fenced (session timeout too short for this machine: flapping)")
                .allMatch(f -> f.brokerId() == killedBroker);
        assertThat(fenced).as("broker %d fenced after its session timeout", killedBroker).isPresent();
        assertThat(Duration.between(faultWall, fenced.get())).as("kill -> broker fenced")
                .isLessThanOrEqualTo(killedBroker == quorumLeader ? FENCED_BOUND_CONTROLLER_TOO : FENCED_BOUND);
        assertThat(toNewAdmin).as("kill -> new admin").isLessThanOrEqualTo(NEW_ADMIN_BOUND);
        assertThat(toUpload).as("kill -> upload through the router ok").isLessThanOrEqualTo(UPLOAD_BOUND);
        assertThat(result.total()).as("downloads during the fault").isGreaterThan(50);
        assertThat(result.failed()).as("failed downloads; first errors: %s", result.sampleErrors()).isZero();
    }

    /** The fault test needs three live brokers with every partition fully replicated. */
    private static void allBrokersUp() {
        if (killedBroker > 0 && !services.stack.kafka().node(killedBroker).isRunning()) {
            services.stack.kafka().start();
            try (KafkaReplicas replicas = new KafkaReplicas(services.stack.bootstrapServers())) {
                replicas.awaitInSync(ServicesUnderTest.CATALOGUE, 3, Duration.ofSeconds(120));
            }
        }
    }

    /** Keeps the broker the fault test killed down, or kills the region's admin-endpoint leader when none is. */
    private static void oneBrokerDown() {
        if (killedBroker > 0 && !services.stack.kafka().node(killedBroker).isRunning()) {
            return;
        }
        try (KafkaReplicas replicas = new KafkaReplicas(services.stack.bootstrapServers())) {
            killedBroker = replicas.leaderFor(Topics.ADMIN_ENDPOINT_NAME, Scenarios.REGION);
        }
        GlanceHosts.report("broker fault: killing broker %d (no broker was down)", killedBroker);
        services.stack.kafka().kill(killedBroker);
    }

    private static String ms(Instant from, Instant to) {
        return Long.toString(Duration.between(from, to).toMillis());
    }

    @Test
    @Order(2)
    void roleAssignmentWorksWithOneBrokerDown() throws Exception {
        oneBrokerDown();
        ServiceStack stack = services.stack;
        EventLog events = services.events();
        assertThat(stack.kafka().node(killedBroker).isRunning()).as("broker %d still down", killedBroker).isFalse();
        GlanceHosts.Host host = Scenarios.nonAdmin(BED.glance(), events);
        long start = System.nanoTime();

        assertThat(stack.removeRole(Scenarios.REGION, host)).isEqualTo(204);
        assertThat(events.await(Topics.HOST_ROLES, start, e -> e.key().equals(host.id()) && e.value() == null, Duration.ofSeconds(10)))
                .as("tombstone on host-roles for %s", host.id()).isPresent();
        assertThat(stack.assignRole(Scenarios.REGION, host, BED.glance().dataDir())).isEqualTo(201);
        assertThat(events.await(Topics.HOST_ROLES, start, e -> e.key().equals(host.id()) && e.value() != null, Duration.ofSeconds(10)))
                .as("role record for %s", host.id()).isPresent();
        GlanceHosts.report("broker fault: role removal + assignment with broker %d down took %d ms", killedBroker,
                (System.nanoTime() - start) / 1_000_000);
    }

    @Test
    @Order(3)
    void theKilledBrokerRestartsAndRejoinsWithNothingLost() throws Exception {
        oneBrokerDown();
        ServiceStack stack = services.stack;
        long restart = System.nanoTime();
        stack.kafka().start();
        long started = System.nanoTime();
        Duration inSync;
        try (KafkaReplicas replicas = new KafkaReplicas(stack.bootstrapServers())) {
            inSync = replicas.awaitInSync(ServicesUnderTest.CATALOGUE, 3, Duration.ofSeconds(120));
        }
        GlanceHosts.report("broker fault: broker %d restart -> ready %d ms, then every catalogue partition 3 in-sync after %d ms",
                killedBroker, (started - restart) / 1_000_000, inSync.toMillis());

        if (killedAdmin != null) {
            BED.glance().restore(killedAdmin);
        }
        Scenarios.uploadVerified(services.prepared.viaRouter(), stack, "after-broker-rejoin", Duration.ofSeconds(30));
        services.assertNothingLost();
    }
}
