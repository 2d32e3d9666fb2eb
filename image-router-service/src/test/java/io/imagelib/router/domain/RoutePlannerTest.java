package io.imagelib.router.domain;

import static io.imagelib.router.domain.Hosts.REGION;
import static io.imagelib.router.domain.Hosts.given;
import static io.imagelib.router.domain.Hosts.host;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class RoutePlannerTest {

    private static final Predicate<String> NONE_QUARANTINED = id -> false;

    @Test
    void readsRotateOverTheUpHostsOfTheRegion() {
        HostSnapshot hosts = given(host("h1"), host("h2"), host("h3"), host("x1", "OTHER"));
        assertThat(order(hosts, ImageOperation.DOWNLOAD, 0)).containsExactly("h1", "h2", "h3");
        assertThat(order(hosts, ImageOperation.DOWNLOAD, 1)).containsExactly("h2", "h3", "h1");
        assertThat(order(hosts, ImageOperation.READ, 5)).containsExactly("h3", "h1", "h2");
    }

    @Test
    void downAndDrainingAndUnknownHostsGetNoReads() {
        HostSnapshot hosts = given(host("h1"), host("h2"), host("h3"), host("h4"))
                .withHealth("h2", Health.DOWN).withHealth("h3", Health.DRAINING).withHealth("h4", null);
        assertThat(order(hosts, ImageOperation.READ, 0)).containsExactly("h1");
    }

    @Test
    void writesGoToTheAdminFirstThenToTheOtherUpHosts() {
        HostSnapshot hosts = given(host("h1"), host("h2"), host("h3")).withAdmin(REGION, "h2");
        assertThat(order(hosts, ImageOperation.CREATE, 0)).containsExactly("h2", "h1", "h3");
        assertThat(order(hosts, ImageOperation.UPLOAD, 2)).containsExactly("h2", "h3", "h1");
    }

    @Test
    void aDownAdminIsSkippedAndTheOthersTakeTheWrite() {
        HostSnapshot hosts = given(host("h1"), host("h2"), host("h3")).withAdmin(REGION, "h2").withHealth("h2", Health.DOWN);
        assertThat(order(hosts, ImageOperation.CREATE, 0)).containsExactly("h1", "h3");
    }

    @Test
    void writesUseTheConfiguredUrlAndReadsThePublicOne() {
        HostSnapshot hosts = given(host("h1")).withAdmin(REGION, "h1");
        assertThat(RoutePlanner.plan(hosts, REGION, ImageOperation.UPLOAD, 0, NONE_QUARANTINED, NONE_QUARANTINED, Registration::adminUrl).hosts())
                .extracting(u -> u.baseUrl().toString()).containsExactly("https://h1:9494");
        assertThat(RoutePlanner.plan(hosts, REGION, ImageOperation.DOWNLOAD, 0, NONE_QUARANTINED, NONE_QUARANTINED, Registration::adminUrl).hosts())
                .extracting(u -> u.baseUrl().toString()).containsExactly("http://h1:9292");
    }

    @Test
    void locallyQuarantinedHostsAreTriedLastNotDropped() {
        HostSnapshot hosts = given(host("h1"), host("h2"), host("h3"));
        Predicate<String> suspected = Set.of("h1")::contains;
        assertThat(RoutePlanner.plan(hosts, REGION, ImageOperation.READ, 0, suspected, NONE_QUARANTINED, Registration::publicUrl).hosts())
                .extracting(Upstream::hostId).containsExactly("h2", "h3", "h1");
    }

    @Test
    void anUnknownRegionHasNoHosts() {
        assertThat(order(given(host("h1")), ImageOperation.READ, 0)).containsExactly("h1");
        assertThat(RoutePlanner.plan(given(host("h1")), "NOWHERE", ImageOperation.READ, 0, NONE_QUARANTINED,
                NONE_QUARANTINED, Registration::publicUrl).isEmpty()).isTrue();
    }

    @Test
    void aRoleRemovalTakesTheHostOutEvenIfItsHealthSaysUp() {
        HostSnapshot hosts = given(host("h1"), host("h2")).withRegistration("h2", null);
        assertThat(order(hosts, ImageOperation.READ, 0)).containsExactly("h1");
    }

    @Test
    void withSomeHostUpThereIsNoPanic() {
        HostSnapshot hosts = given(host("h1"), host("h2")).withHealth("h1", Health.DOWN);
        Route route = RoutePlanner.plan(hosts, REGION, ImageOperation.READ, 0, NONE_QUARANTINED, NONE_QUARANTINED,
                Registration::publicUrl);
        assertThat(route.panic()).isFalse();
        assertThat(route.hosts()).extracting(Upstream::hostId).containsExactly("h2");
    }

    @Test
    void withNoHostUpReadsRotateOverTheRegisteredNonDrainingHostsInPanic() {
        HostSnapshot hosts = given(host("h1"), host("h2"), host("h3"), host("h4"), host("x1", "OTHER"))
                .withHealth("h1", Health.DOWN).withHealth("h2", Health.DOWN).withHealth("h3", null)
                .withHealth("h4", Health.DRAINING);
        Route route = RoutePlanner.plan(hosts, REGION, ImageOperation.DOWNLOAD, 1, NONE_QUARANTINED, NONE_QUARANTINED,
                Registration::publicUrl);
        assertThat(route.panic()).isTrue();
        assertThat(route.hosts()).extracting(Upstream::hostId).containsExactly("h2", "h3", "h1");
    }

    @Test
    void inPanicWritesGoToTheAdminFirstEvenThoughTheMonitorCallsItDown() {
        HostSnapshot hosts = allDown(given(host("h1"), host("h2"), host("h3")).withAdmin(REGION, "h2"));
        assertThat(panicOrder(hosts, ImageOperation.UPLOAD, 0, NONE_QUARANTINED, NONE_QUARANTINED))
                .containsExactly("h2", "h1", "h3");
    }

    @Test
    void inPanicHostsThatRefusedThisRouterAreSkippedAndOtherSuspectsGoLast() {
        HostSnapshot hosts = allDown(given(host("h1"), host("h2"), host("h3")).withAdmin(REGION, "h1"));
        Predicate<String> refused = Set.of("h1")::contains;
        Predicate<String> quarantined = Set.of("h1", "h2")::contains;
        assertThat(panicOrder(hosts, ImageOperation.CREATE, 0, quarantined, refused)).containsExactly("h3", "h2");
        assertThat(panicOrder(hosts, ImageOperation.READ, 0, quarantined, refused)).containsExactly("h3", "h2");
    }

    @Test
    void inPanicWithEveryHostRefusingThereIsNothingToTry() {
        HostSnapshot hosts = allDown(given(host("h1"), host("h2")));
        Route route = RoutePlanner.plan(hosts, REGION, ImageOperation.READ, 0, id -> true, id -> true, Registration::publicUrl);
        assertThat(route.panic()).isTrue();
        assertThat(route.isEmpty()).isTrue();
    }

    @Test
    void aRegionWhoseHostsAllDrainIsNotInPanic() {
        HostSnapshot hosts = given(host("h1"), host("h2")).withHealth("h1", Health.DRAINING).withHealth("h2", Health.DRAINING);
        Route route = RoutePlanner.plan(hosts, REGION, ImageOperation.READ, 0, NONE_QUARANTINED, NONE_QUARANTINED,
                Registration::publicUrl);
        assertThat(route.panic()).isFalse();
        assertThat(route.isEmpty()).isTrue();
    }

    private static HostSnapshot allDown(HostSnapshot hosts) {
        HostSnapshot down = hosts;
        for (String hostId : hosts.registrations().keySet()) {
            down = down.withHealth(hostId, Health.DOWN);
        }
        return down;
    }

    private static List<String> panicOrder(HostSnapshot hosts, ImageOperation operation, long turn,
                                           Predicate<String> quarantined, Predicate<String> refused) {
        Route route = RoutePlanner.plan(hosts, REGION, operation, turn, quarantined, refused, Registration::publicUrl);
        assertThat(route.panic()).isTrue();
        return route.hosts().stream().map(Upstream::hostId).toList();
    }

    private static List<String> order(HostSnapshot hosts, ImageOperation operation, long turn) {
        return RoutePlanner.plan(hosts, REGION, operation, turn, NONE_QUARANTINED, NONE_QUARANTINED, Registration::publicUrl)
                .hosts().stream().map(Upstream::hostId).toList();
    }
}
