package io.imagelib.router.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.imagelib.router.domain.Health;
import io.imagelib.router.domain.LiveHosts;
import io.imagelib.router.domain.Registration;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import org.junit.jupiter.api.Test;

class RegionGaugesTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final LiveHosts live = new LiveHosts();

    RegionGaugesTest() {
        live.onChange(new RegionGauges(live, meters));
    }

    private void given(String hostId, String region, Health health) {
        Registration host = new Registration(hostId, region, URI.create("http://" + hostId), URI.create("http://" + hostId));
        live.apply(s -> s.withRegistration(hostId, host).withHealth(hostId, health));
    }

    private double hostsUp(String region) {
        return meters.get(RegionGauges.HOSTS_UP).tag("region", region).gauge().value();
    }

    private double panic(String region) {
        return meters.get(RegionGauges.PANIC_ACTIVE).tag("region", region).gauge().value();
    }

    @Test
    void countsTheUpHostsOfEachRegion() {
        given("h1", "SJC", Health.UP);
        given("h2", "SJC", Health.UP);
        given("h3", "SJC", Health.DOWN);
        given("d1", "DFW", Health.UP);

        assertThat(hostsUp("SJC")).isEqualTo(2);
        assertThat(hostsUp("DFW")).isEqualTo(1);
        assertThat(panic("SJC")).isZero();
    }

    @Test
    void readsTheSnapshotOfTheMomentItIsScraped() {
        given("h1", "SJC", Health.UP);
        Gauge up = meters.get(RegionGauges.HOSTS_UP).tag("region", "SJC").gauge();

        live.apply(s -> s.withHealth("h1", Health.DOWN));

        assertThat(up.value()).isZero();
    }

    @Test
    void panicIsOneWhileNoHostIsUpAndSomeAreNotDraining() {
        given("h1", "SJC", Health.UP);
        given("h2", "SJC", Health.UP);

        live.apply(s -> s.withHealth("h1", Health.DOWN).withHealth("h2", Health.DOWN));
        assertThat(panic("SJC")).isEqualTo(1);
        assertThat(hostsUp("SJC")).isZero();

        live.apply(s -> s.withHealth("h2", Health.UP));
        assertThat(panic("SJC")).isZero();
    }

    @Test
    void aRegionOfDrainingHostsHasNoUpHostButIsNotInPanic() {
        given("h1", "SJC", Health.DRAINING);

        assertThat(hostsUp("SJC")).isZero();
        assertThat(panic("SJC")).isZero();
    }

    @Test
    void aRegionWhoseLastHostLostTheRoleIsNoLongerMeasured() {
        given("h1", "SJC", Health.UP);
        given("d1", "DFW", Health.UP);

        live.apply(s -> s.withRegistration("h1", null));

        assertThat(meters.find(RegionGauges.HOSTS_UP).tag("region", "SJC").gauge()).isNull();
        assertThat(meters.find(RegionGauges.PANIC_ACTIVE).tag("region", "SJC").gauge()).isNull();
        assertThat(hostsUp("DFW")).isEqualTo(1);

        given("h1", "SJC", Health.UP);
        assertThat(hostsUp("SJC")).as("measured again once it has a host").isEqualTo(1);
    }
}
