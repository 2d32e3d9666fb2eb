package io.imagelib.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.imagelib.avro.AdminEndpoint;
import io.imagelib.avro.HealthStatus;
import io.imagelib.schemas.topics.Topics;
import java.time.Duration;
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
 * <p>Passes on an idle machine (0 of 925 and 0 of 604 downloads failed, 2026-11-25) but not under CPU starvation:
 * at load average 40 the 50 downloads kept the single-worker Glance hosts so busy that the monitor's 400 ms
 * healthcheck timeout marked live hosts DOWN, sometimes all at once, and the router answered 503 (3 of 294 and 71 of
 * 398 downloads failed). The goal stays asserted.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaBrokerFaultIT {

    @RegisterExtension
    static final GlanceTestBed BED = new GlanceTestBed(3).skippedWhen(ServicesFailoverIT::missingServices);

    /** Kafka fences a silent broker after broker.session.timeout.ms (9 s, pinned in KafkaCluster) plus elections. */
    static final Duration FAILOVER_BOUND = Duration.ofSeconds(60);

    static ServicesUnderTest services;
    static int killedBroker;
    static GlanceHosts.Host killedAdmin;

    @BeforeAll
    static void startOnThreeBrokers() throws Exception {
        services = ServicesUnderTest.start(BED, "kafka-broker-fault", ServiceStack.Options.defaults().withKafkaNodes(3));
    }

    @AfterAll
    static void stop() {
        if (services != null) {
            services.close();
        }
    }

    @Test
    @Order(1)
    void aBrokerAndTheAdminHostKilledTogetherStillFailOverWithNoFailedDownload() throws Exception {
        ServiceStack stack = services.stack;
        EventLog events = services.events();
        AdminEndpoint before = services.admin();
        killedAdmin = Scenarios.host(BED.glance(), before.getHostId());
        try (KafkaReplicas replicas = new KafkaReplicas(stack.bootstrapServers())) {
            // The broker leading the region's admin-endpoint partition: the one the failover has to write through.
            killedBroker = replicas.leaderFor(Topics.ADMIN_ENDPOINT_NAME, Scenarios.REGION);
            GlanceHosts.report("broker fault: killing broker %d, leader of %d catalogue partitions", killedBroker,
                    replicas.partitionsLedBy(ServicesUnderTest.CATALOGUE, killedBroker));
        }
        var load = new DownloadLoad(services.prepared.viaRouter(), 50)
                .start(stack.router(), services.prepared.imageId(), services.prepared.sha256(), Duration.ofSeconds(20));
        GlanceHosts.sleep(Duration.ofSeconds(2));
        long fault = System.nanoTime();
        stack.kafka().kill(killedBroker);
        BED.glance().kill(killedAdmin);

        EventLog.Event newAdmin = Scenarios.awaitNewAdmin(events, fault, killedAdmin.id(), before.getEpoch(), FAILOVER_BOUND)
                .orElseThrow(() -> new AssertionError("No new admin within " + FAILOVER_BOUND + " of killing broker "
                        + killedBroker + " and admin host " + killedAdmin.id()));
        var down = events.await(Topics.HOST_HEALTH, fault, Scenarios.status(killedAdmin, HealthStatus.DOWN), Duration.ofSeconds(1));
        DownloadLoad.Result result = load.await(fault);
        long uploaded = Scenarios.uploadVerified(services.prepared.viaRouter(), stack, "after-broker-kill", Duration.ofSeconds(30));
        GlanceHosts.report("broker fault: kill -> DOWN event %s ms, kill -> new admin %s (epoch %d -> %d) %d ms, kill -> upload ok %d ms; downloads %d, failed %d",
                down.map(d -> Long.toString((d.receivedNanos() - fault) / 1_000_000)).orElse("(none)"),
                ((AdminEndpoint) newAdmin.value()).getHostId(), before.getEpoch(), ((AdminEndpoint) newAdmin.value()).getEpoch(),
                (newAdmin.receivedNanos() - fault) / 1_000_000, (uploaded - fault) / 1_000_000, result.total(), result.failed());

        assertThat(((AdminEndpoint) newAdmin.value()).getEpoch()).isGreaterThan(before.getEpoch());
        assertThat(result.total()).as("downloads during the fault").isGreaterThan(50);
        assertThat(result.failed()).as("failed downloads; first errors: %s", result.sampleErrors()).isZero();
    }

    @Test
    @Order(2)
    void roleAssignmentWorksWithOneBrokerDown() throws Exception {
        assumeTrue(killedBroker > 0, "the broker fault ran");
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
        assumeTrue(killedBroker > 0, "the broker fault ran");
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

        BED.glance().restore(killedAdmin);
        Scenarios.uploadVerified(services.prepared.viaRouter(), stack, "after-broker-rejoin", Duration.ofSeconds(30));
        services.assertNothingLost();
    }
}
