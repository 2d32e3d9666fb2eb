package io.imagelib.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import io.imagelib.avro.AdminEndpoint;
import io.imagelib.avro.HealthStatus;
import io.imagelib.schemas.topics.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The schema registry stopped for a minute: the services keep running and serving, and an admin-host kill during
 * the outage still produces a new admin. The serdes cache every schema id they registered or read, so records of
 * known types need no registry; the registry comes back with its schemas (file storage) and nothing is lost.
 */
class RegistryOutageIT {

    @RegisterExtension
    static final GlanceTestBed BED = new GlanceTestBed(3).skippedWhen(ServicesFailoverIT::missingServices);

    /** The "stopped for a minute". */
    static final Duration OUTAGE = Duration.ofSeconds(60);
    /** The failover goal (kill -> new admin published and an upload succeeds: 2 s), registry or not. */
    static final Duration FAILOVER_GOAL = Duration.ofSeconds(2);

    static ServicesUnderTest services;

    @BeforeAll
    static void start() throws Exception {
        services = ServicesUnderTest.start(BED, "registry-outage", ServiceStack.Options.defaults());
    }

    @AfterAll
    static void stop() {
        if (services != null) {
            services.close();
        }
    }

    @Test
    void anAdminKillDuringAMinuteWithoutRegistryStillFailsOverAndNothingIsLost() throws Exception {
        ServiceStack stack = services.stack;
        EventLog events = services.events();
        AdminEndpoint before = services.admin();
        GlanceHosts.Host admin = Scenarios.host(BED.glance(), before.getHostId());

        long observationsBefore;
        try (KafkaReplicas replicas = new KafkaReplicas(stack.bootstrapServers())) {
            observationsBefore = replicas.recordsWritten(List.of(Topics.HOST_OBSERVATIONS_NAME));
        }
        long stopping = System.nanoTime();
        stack.stopRegistry();
        long stopped = System.nanoTime();
        var load = new DownloadLoad(services.prepared.viaRouter(), 50)
                .start(stack.router(), services.prepared.imageId(), services.prepared.sha256(), Duration.ofSeconds(10));
        GlanceHosts.sleep(Duration.ofSeconds(2));
        long killed = System.nanoTime();
        BED.glance().kill(admin);
        Optional<EventLog.Event> down = events.await(Topics.HOST_HEALTH, killed, Scenarios.status(admin, HealthStatus.DOWN), Duration.ofSeconds(10));
        Optional<EventLog.Event> duringOutage = Scenarios.awaitNewAdmin(events, killed, admin.id(), before.getEpoch(), Duration.ofSeconds(10));
        long uploaded = Scenarios.uploadVerified(services.prepared.viaRouter(), stack, "during-registry-outage", Duration.ofSeconds(20));
        DownloadLoad.Result result = load.await(killed);
        long observationsAfter;
        try (KafkaReplicas replicas = new KafkaReplicas(stack.bootstrapServers())) {
            observationsAfter = replicas.recordsWritten(List.of(Topics.HOST_OBSERVATIONS_NAME));
        }
        assertThat(ServiceStack.SERVICES).allSatisfy(s -> assertThat(stack.isRunning(s)).as("%s running without the registry", s).isTrue());
        GlanceHosts.report("registry outage: stop took %d ms; downloads %d, failed %d; kill -> DOWN %s ms, kill -> new admin %s ms, "
                        + "kill -> upload ok %d ms (under the 50-client load); router observations published %d; admin changes %s",
                (stopped - stopping) / 1_000_000, result.total(), result.failed(),
                down.map(d -> Long.toString((d.receivedNanos() - killed) / 1_000_000)).orElse("(none)"),
                duringOutage.map(a -> Long.toString((a.receivedNanos() - killed) / 1_000_000)).orElse("(none during the outage)"),
                (uploaded - killed) / 1_000_000, observationsAfter - observationsBefore, Scenarios.adminChangesSince(events, killed));

        GlanceHosts.sleep(Duration.ofNanos(Math.max(0, stopped + OUTAGE.toNanos() - System.nanoTime())));
        long restarting = System.nanoTime();
        stack.startRegistry();
        GlanceHosts.report("registry outage: %d s without registry; registry back after %d ms", (System.nanoTime() - stopped) / 1_000_000_000,
                (System.nanoTime() - restarting) / 1_000_000);

        assertThat(result.total()).as("downloads during the outage").isGreaterThan(50);
        assertThat(result.failed()).as("failed downloads; first errors: %s", result.sampleErrors()).isZero();
        assertThat(down).as("DOWN event for the killed admin during the outage").isPresent();
        assertThat(duringOutage).as("new admin published during the outage").isPresent();
        // Only publishing can depend on the registry; the upload's time under 50 concurrent downloads is reported.
        assertThat(Duration.ofNanos(duringOutage.get().receivedNanos() - killed)).as("kill -> new admin published").isLessThan(FAILOVER_GOAL);
        assertThat(observationsAfter).as("the router's refused-connection reports, a type it first sent during the outage")
                .isGreaterThan(observationsBefore);
        BED.glance().restore(admin);
        Scenarios.uploadVerified(services.prepared.viaRouter(), stack, "after-registry-outage", Duration.ofSeconds(30));
        services.assertNothingLost();
    }
}
