package io.imagelib.router.domain;

import static io.imagelib.router.domain.Hosts.REGION;
import static io.imagelib.router.domain.Hosts.given;
import static io.imagelib.router.domain.Hosts.host;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
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

    @Test
    void onlyAChangeToUpReleasesAQuarantineNotARepublishedUp() {
        Quarantine quarantine = new Quarantine(1000);
        quarantine.addRefused("h1", 10_000);
        quarantine.monitorSaid("h1", Health.UP, Health.UP);
        assertThat(quarantine.refused("h1", 10_001)).as("republished UP").isTrue();
        quarantine.monitorSaid("h1", Health.UP, Health.DOWN);
        quarantine.monitorSaid("h1", Health.DOWN, Health.DOWN);
        assertThat(quarantine.contains("h1", 10_001)).isTrue();
        quarantine.monitorSaid("h1", Health.DOWN, Health.UP);
        assertThat(quarantine.contains("h1", 10_001)).as("DOWN -> UP").isFalse();
        quarantine.add("h2", 10_000);
        quarantine.monitorSaid("h2", Health.UNKNOWN, Health.UP);
        assertThat(quarantine.contains("h2", 10_001)).as("first UP").isFalse();
    }

    @Test
    void aRepublishedIdenticalHealthLosesNoHostAndChangesNoPanicMode() {
        HostSnapshot before = given(host("h1"), host("h2")).withHealth("h2", Health.DOWN);
        for (String hostId : List.of("h1", "h2")) {
            HostSnapshot after = before.withHealth(hostId, before.health(hostId));
            assertThat(after.lostSince(before)).as(hostId).isEmpty();
            assertThat(after.healthy(REGION)).isEqualTo(before.healthy(REGION));
            assertThat(after.panicRegions()).isEqualTo(before.panicRegions());
        }
    }

    @Test
    void aRefusalIsRememberedAsSuchUntilTheQuarantineEndsOrAnotherFailureReplacesIt() {
        Quarantine quarantine = new Quarantine(1000);
        quarantine.addRefused("h1", 10_000);
        quarantine.add("h2", 10_000);
        assertThat(quarantine.refused("h1", 10_500)).isTrue();
        assertThat(quarantine.refused("h2", 10_500)).isFalse();
        assertThat(quarantine.refused("h1", 11_000)).isFalse();
        quarantine.addRefused("h3", 10_000);
        quarantine.add("h3", 10_100);
        assertThat(quarantine.refused("h3", 10_500)).isFalse();
        assertThat(quarantine.contains("h3", 10_500)).isTrue();
    }

    @Test
    void hostsThatWentDownOrLostTheirRoleAreLostButDrainingAndForgottenOnesAreNot() {
        HostSnapshot before = given(host("h1"), host("h2"), host("h3"), host("h4"), host("h5"), host("h6"), host("up"))
                .withHealth("h6", Health.DOWN);
        HostSnapshot after = before.withHealth("h1", Health.DOWN).withRegistration("h2", null)
                .withHealth("h3", Health.DRAINING).withHealth("h4", null).withRegistration("h5", host("h5", "OTHER"));
        assertThat(after.lostSince(before)).containsExactlyInAnyOrder("h1", "h2", "h5");
        assertThat(after.withHealth("h6", Health.DOWN).lostSince(after)).isEmpty();
    }

    @Test
    void aDownThatLeavesTheRegionWithNoHostUpIsNotALossButARoleRemovalIs() {
        HostSnapshot oneUp = given(host("h1"), host("h2")).withHealth("h1", Health.DOWN);
        assertThat(oneUp.withHealth("h2", Health.DOWN).lostSince(oneUp)).isEmpty();
        assertThat(oneUp.withRegistration("h2", null).lostSince(oneUp)).containsExactly("h2");
    }

    @Test
    void aDownIntoPanicAndARoleRemovalBothMarkTheHostsConnectionsUnusable() {
        HostSnapshot oneUp = given(host("h1"), host("h2"), host("h3")).withHealth("h1", Health.DOWN);
        assertThat(oneUp.withHealth("h2", Health.DOWN).downOrGoneSince(oneUp)).containsExactly("h2");
        assertThat(oneUp.withRegistration("h3", null).downOrGoneSince(oneUp)).containsExactly("h3");
        assertThat(oneUp.withHealth("h1", Health.DOWN).withHealth("h3", Health.DRAINING).downOrGoneSince(oneUp)).isEmpty();
    }

    @Test
    void aRegionIsInPanicWhenItHasNonDrainingRegisteredHostsButNoneUp() {
        HostSnapshot up = given(host("h1"), host("h2"), host("x1", "OTHER"));
        assertThat(up.panicRegions()).isEmpty();
        HostSnapshot oneDown = up.withHealth("h1", Health.DOWN);
        assertThat(oneDown.panicRegions()).isEmpty();
        HostSnapshot allDown = oneDown.withHealth("h2", Health.DOWN);
        assertThat(allDown.panicRegions()).containsExactly(REGION);
        assertThat(allDown.panicCandidates(REGION)).extracting(Registration::hostId).containsExactly("h1", "h2");
        assertThat(allDown.withHealth("h2", Health.DRAINING).panicCandidates(REGION)).extracting(Registration::hostId)
                .containsExactly("h1");
        assertThat(allDown.withHealth("h1", Health.DRAINING).withHealth("h2", Health.DRAINING).panicRegions()).isEmpty();
    }

    @Test
    void listenersSeeEverySwapWithTheSnapshotBeforeAndAfter() {
        LiveHosts live = new LiveHosts();
        List<String> seen = new ArrayList<>();
        live.onChange((before, after) -> seen.add(before.healthy(REGION).size() + "->" + after.healthy(REGION).size()));
        live.apply(s -> s.withRegistration("h1", host("h1")).withHealth("h1", Health.UP));
        live.apply(s -> s.withHealth("h1", Health.DOWN));
        assertThat(seen).containsExactly("0->1", "1->0");
    }
}
