package io.imagelib.router.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.imagelib.router.domain.Health;
import io.imagelib.router.domain.LiveHosts;
import io.imagelib.router.domain.Registration;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import org.junit.jupiter.api.Test;

class LiveSetChangesTest {

    private final InFlightReads reads = new InFlightReads();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final LiveHosts live = new LiveHosts();

    LiveSetChangesTest() {
        live.onChange(new LiveSetChanges(reads, meters));
        for (String id : new String[] {"h1", "h2"}) {
            Registration host = new Registration(id, "SJC", URI.create("http://" + id), URI.create("http://" + id));
            live.apply(s -> s.withRegistration(id, host).withHealth(id, Health.UP));
        }
    }

    @Test
    void aDownRecordCutsTheReadsInFlightToThatHostOnly() {
        InFlightReads.Flight toH1 = reads.open("h1");
        InFlightReads.Flight toH2 = reads.open("h2");
        live.apply(s -> s.withHealth("h1", Health.DOWN));
        assertThat(toH1.aborted()).isTrue();
        assertThat(toH2.aborted()).isFalse();
        assertThat(meters.counter("imagelib.router.inflight.cut", "region", "SJC", "host", "h1").count()).isEqualTo(1);
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
