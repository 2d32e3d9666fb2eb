package io.imagelib.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import io.imagelib.avro.AdminEndpoint;
import io.imagelib.schemas.topics.Topics;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * endpoint-service kill -9 and restart: while it is down the router keeps serving downloads from its snapshot, and
 * an admin-host kill in that window is decided once it is back, at an epoch above every earlier one (its Streams
 * state restored, not started from scratch).
 */
class EndpointServiceRestartIT {

    @RegisterExtension
    static final GlanceTestBed BED = new GlanceTestBed(3).skippedWhen(ServicesFailoverIT::missingServices);

    static final String ENDPOINT_SERVICE = "endpoint-service";

    static ServicesUnderTest services;

    @BeforeAll
    static void start() throws Exception {
        services = ServicesUnderTest.start(BED, "endpoint-service-restart", ServiceStack.Options.defaults());
    }

    @AfterAll
    static void stop() {
        if (services != null) {
            services.close();
        }
    }

    @Test
    void anAdminKillWhileEndpointServiceIsDownIsDecidedAfterItRestarts() throws Exception {
        ServiceStack stack = services.stack;
        EventLog events = services.events();
        AdminEndpoint before = services.admin();
        long highestEpoch = Scenarios.maxEpoch(events);
        GlanceHosts.Host admin = Scenarios.host(BED.glance(), before.getHostId());

        long serviceKilled = System.nanoTime();
        stack.kill(ENDPOINT_SERVICE);
        DownloadLoad.Result load = new DownloadLoad(services.prepared.viaRouter(), 50).run(stack.router(), services.prepared.imageId(),
                services.prepared.sha256(), Duration.ofSeconds(8), Duration.ofSeconds(2), ignored -> BED.glance().kill(admin));
        EventLog.Event down = Scenarios.awaitDown(events, admin, load.faultNanos());
        assertThat(events.await(Topics.ADMIN_ENDPOINT, serviceKilled, e -> true, Duration.ofSeconds(1)))
                .as("no admin change while endpoint-service is down").isEmpty();

        ServiceStack.Restart restart = stack.restart(ENDPOINT_SERVICE);
        EventLog.Event decided = Scenarios.awaitNewAdmin(events, serviceKilled, admin.id(), highestEpoch, Duration.ofSeconds(60))
                .orElseThrow(() -> new AssertionError("No new admin within 60 s of endpoint-service's restart"));
        AdminEndpoint after = (AdminEndpoint) decided.value();
        long uploaded = Scenarios.uploadVerified(services.prepared.viaRouter(), stack, "after-endpoint-service-restart", Duration.ofSeconds(30));
        GlanceHosts.report("endpoint-service restart: down %d ms; downloads %d, failed %d; restart -> ready %d ms, restart -> decision %d ms "
                        + "(ready -> decision %d ms), epoch %d -> %d (%s -> %s), decision -> upload ok %d ms",
                (restart.launchedNanos() - serviceKilled) / 1_000_000, load.total(), load.failed(), restart.launchToReady().toMillis(),
                (decided.receivedNanos() - restart.launchedNanos()) / 1_000_000, (decided.receivedNanos() - restart.readyNanos()) / 1_000_000,
                highestEpoch, after.getEpoch(), admin.id(), after.getHostId(), (uploaded - decided.receivedNanos()) / 1_000_000);
        GlanceHosts.report("endpoint-service restart: admin changes since its launch: %s",
                Scenarios.adminChangesSince(events, restart.launchedNanos()));

        assertThat(load.total()).as("downloads while endpoint-service was down").isGreaterThan(50);
        assertThat(load.failed()).as("failed downloads; first errors: %s", load.sampleErrors()).isZero();
        assertThat(down.receivedNanos()).as("the DOWN arrived while endpoint-service was down").isLessThan(restart.launchedNanos());
        // Restored state continues the region's epochs; state lost would restart them at 1.
        assertThat(after.getEpoch()).as("epoch after the restart").isGreaterThan(highestEpoch);
        BED.glance().restore(admin);
        services.assertNothingLost();
    }
}
