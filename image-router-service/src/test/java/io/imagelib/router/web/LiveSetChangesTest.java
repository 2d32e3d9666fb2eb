package io.imagelib.router.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.imagelib.router.domain.Health;
import io.imagelib.router.domain.LiveHosts;
import io.imagelib.router.domain.Registration;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LiveSetChangesTest {

    private static final Duration STALLED = Duration.ofMillis(300);
    private final InFlightReads reads = new InFlightReads();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final LiveHosts live = new LiveHosts();

    LiveSetChangesTest() {
        live.onChange(new LiveSetChanges(reads, meters, live::snapshot, STALLED, Duration.ofSeconds(2)));
        for (String id : new String[] {"h1", "h2"}) {
            Registration host = new Registration(id, "SJC", URI.create("http://" + id), URI.create("http://" + id));
            live.apply(s -> s.withRegistration(id, host).withHealth(id, Health.UP));
        }
    }

    @Test
    void aDownRecordCutsTheStalledReadsInFlightToThatHostOnly() throws Exception {
        InFlightReads.Flight toH1 = reads.open("h1");
        InFlightReads.Flight toH2 = reads.open("h2");
        Thread.sleep(STALLED.toMillis());
        live.apply(s -> s.withHealth("h1", Health.DOWN));
        assertThat(toH1.aborted()).isTrue();
        assertThat(toH2.aborted()).isFalse();
        assertThat(meters.counter("imagelib.router.inflight.cut", "region", "SJC", "host", "h1").count()).isEqualTo(1);
    }

    /**
     * A starved monitor calls a busy host DOWN: its reads that are still receiving data go on; one that stops receiving
     * is cut once it has been quiet for the stalled-read time, while the host is still DOWN.
     */
    @Test
    void aReadStillReceivingDataGoesOnAndIsCutOnceItStalls() throws Exception {
        InFlightReads.Flight streaming = reads.open("h1");
        InputStream body = streaming.guard(new ByteArrayInputStream(new byte[64]));
        live.apply(s -> s.withHealth("h1", Health.DOWN));
        // Taken before each read: the guard's own "last received" is later, so no cut may come before this + STALLED.
        long stalled = 0;
        for (int i = 0; i < 5; i++) {
            stalled = System.nanoTime();
            assertThat(body.read()).isNotNegative();
            Thread.sleep(STALLED.toMillis() / 3);
        }
        assertThat(streaming.aborted()).as("receiving data %d ms after the DOWN", STALLED.toMillis() * 5 / 3).isFalse();

        while (!streaming.aborted() && System.nanoTime() - stalled < Duration.ofSeconds(2).toNanos()) {
            Thread.sleep(20);
        }
        assertThat(streaming.aborted()).as("cut after it stopped receiving").isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - stalled))
                .isBetween(STALLED, STALLED.plus(LiveSetChanges.WATCH_STEP).plus(Duration.ofMillis(300)));
    }

    @Test
    void aHostThatGoesDownMarksItsKeptConnectionsUnusableAndNoOtherHosts() {
        long before = System.nanoTime();
        live.apply(s -> s.withHealth("h1", Health.DOWN));
        assertThat(reads.troubleSince("h1") - before).isNotNegative();
        assertThat(reads.troubleSince("h2") - before).isNegative();
    }

    @Test
    void aHostBackUpIsNoLongerWatched() throws Exception {
        InFlightReads.Flight toH1 = reads.open("h1");
        live.apply(s -> s.withHealth("h1", Health.DOWN));
        live.apply(s -> s.withHealth("h1", Health.UP));
        Thread.sleep(STALLED.toMillis() + 2 * LiveSetChanges.WATCH_STEP.toMillis());
        assertThat(toH1.aborted()).as("quiet, but its host is UP again").isFalse();
    }

    @Test
    void drainingLetsReadsInFlightFinish() {
        InFlightReads.Flight toH1 = reads.open("h1");
        live.apply(s -> s.withHealth("h1", Health.DRAINING));
        assertThat(toH1.aborted()).isFalse();
    }

    @Test
    void aRoleRemovalCutsToo() {
        InFlightReads.Flight toH2 = reads.open("h2");
        live.apply(s -> s.withRegistration("h2", null));
        assertThat(toH2.aborted()).isTrue();
    }

    @Test
    void aDownThatPutsTheRegionInPanicCutsNothing() {
        live.apply(s -> s.withHealth("h1", Health.DOWN));
        InFlightReads.Flight toH2 = reads.open("h2");
        live.apply(s -> s.withHealth("h2", Health.DOWN));
        assertThat(toH2.aborted()).as("no UP host to move to, and the monitor is likely wrong").isFalse();
    }

    @Test
    void aHostStillDownIsNotWatchedForStalledReadsOnceTheRegionIsInPanic() throws Exception {
        live.apply(s -> s.withHealth("h1", Health.DOWN));
        InFlightReads.Flight toH1 = reads.open("h1");
        live.apply(s -> s.withHealth("h2", Health.DOWN));
        Thread.sleep(STALLED.toMillis() + 2 * LiveSetChanges.WATCH_STEP.toMillis());
        assertThat(toH1.aborted()).as("quiet on a DOWN host, but every host of the region is DOWN").isFalse();

        live.apply(s -> s.withHealth("h2", Health.UP));
        long panicEnded = System.nanoTime();
        while (!toH1.aborted() && System.nanoTime() - panicEnded < Duration.ofSeconds(1).toNanos()) {
            Thread.sleep(20);
        }
        assertThat(toH1.aborted()).as("cut once a host is UP to take it, while h1 is still DOWN").isTrue();
    }

    @Test
    void enteringPanicIsCountedOncePerEntry() {
        live.apply(s -> s.withHealth("h1", Health.DOWN));
        live.apply(s -> s.withHealth("h2", Health.DOWN));
        live.apply(s -> s.withHealth("h2", Health.DOWN));
        assertThat(meters.counter("imagelib.router.panic.entries", "region", "SJC").count()).isEqualTo(1);
        live.apply(s -> s.withHealth("h1", Health.UP));
        live.apply(s -> s.withHealth("h1", Health.DOWN));
        assertThat(meters.counter("imagelib.router.panic.entries", "region", "SJC").count()).isEqualTo(2);
    }
}
