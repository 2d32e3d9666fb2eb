package io.imagelib.router.domain;

import static io.imagelib.router.domain.Hosts.REGION;
import static io.imagelib.router.domain.Hosts.given;
import static io.imagelib.router.domain.Hosts.host;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HostSnapshotTest {

    @Test
    void aHostIsHealthyOnlyWhenRegisteredAndUp() {
        HostSnapshot snapshot = HostSnapshot.EMPTY.withHealth("h1", Health.UP);
        assertThat(snapshot.healthy(REGION)).isEmpty();
        snapshot = snapshot.withRegistration("h1", host("h1"));
        assertThat(snapshot.healthy(REGION)).extracting(Registration::hostId).containsExactly("h1");
        assertThat(snapshot.withHealth("h1", Health.DOWN).healthy(REGION)).isEmpty();
    }

    @Test
    void snapshotsAreImmutableValues() {
        HostSnapshot before = given(host("h1"));
        HostSnapshot after = before.withHealth("h1", Health.DOWN);
        assertThat(before.healthy(REGION)).hasSize(1);
        assertThat(after.healthy(REGION)).isEmpty();
    }

    @Test
    void theAdminMustBeARegisteredHostOfItsRegion() {
        assertThat(given(host("h1")).withAdmin(REGION, "h1").admin(REGION)).map(Registration::hostId).contains("h1");
        assertThat(given(host("h1")).withAdmin(REGION, "ghost").admin(REGION)).isEmpty();
        assertThat(given(host("h1", "OTHER")).withAdmin(REGION, "h1").admin(REGION)).isEmpty();
        assertThat(given(host("h1")).withAdmin(REGION, "h1").withAdmin(REGION, null).admin(REGION)).isEmpty();
    }

    @Test
    void liveHostsSwapsWholeSnapshots() {
        LiveHosts live = new LiveHosts();
        HostSnapshot seen = live.snapshot();
        live.apply(s -> s.withRegistration("h1", host("h1")).withHealth("h1", Health.UP));
        assertThat(seen.healthy(REGION)).isEmpty();
        assertThat(live.snapshot().healthy(REGION)).hasSize(1);
    }

    @Test
    void quarantineExpiresAndCanBeReleased() {
        Quarantine quarantine = new Quarantine(1000);
        quarantine.add("h1", 10_000);
        assertThat(quarantine.contains("h1", 10_500)).isTrue();
        assertThat(quarantine.contains("h1", 11_000)).isFalse();
        quarantine.add("h2", 10_000);
        quarantine.release("h2");
        assertThat(quarantine.contains("h2", 10_001)).isFalse();
    }
}
