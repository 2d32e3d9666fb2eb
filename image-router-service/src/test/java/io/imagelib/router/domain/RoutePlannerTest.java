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
        assertThat(RoutePlanner.plan(hosts, REGION, ImageOperation.UPLOAD, 0, NONE_QUARANTINED, Registration::adminUrl))
                .extracting(u -> u.baseUrl().toString()).containsExactly("https://h1:9494");
        assertThat(RoutePlanner.plan(hosts, REGION, ImageOperation.DOWNLOAD, 0, NONE_QUARANTINED, Registration::adminUrl))
                .extracting(u -> u.baseUrl().toString()).containsExactly("http://h1:9292");
    }

    @Test
    void locallyQuarantinedHostsAreTriedLastNotDropped() {
        HostSnapshot hosts = given(host("h1"), host("h2"), host("h3"));
        Predicate<String> suspected = Set.of("h1")::contains;
        assertThat(RoutePlanner.plan(hosts, REGION, ImageOperation.READ, 0, suspected, Registration::publicUrl))
                .extracting(Upstream::hostId).containsExactly("h2", "h3", "h1");
    }

    @Test
    void anUnknownRegionHasNoHosts() {
        assertThat(order(given(host("h1")), ImageOperation.READ, 0)).containsExactly("h1");
        assertThat(RoutePlanner.plan(given(host("h1")), "NOWHERE", ImageOperation.READ, 0, NONE_QUARANTINED,
                Registration::publicUrl)).isEmpty();
    }

    @Test
    void aRoleRemovalTakesTheHostOutEvenIfItsHealthSaysUp() {
        HostSnapshot hosts = given(host("h1"), host("h2")).withRegistration("h2", null);
        assertThat(order(hosts, ImageOperation.READ, 0)).containsExactly("h1");
    }

    private static List<String> order(HostSnapshot hosts, ImageOperation operation, long turn) {
        return RoutePlanner.plan(hosts, REGION, operation, turn, NONE_QUARANTINED, Registration::publicUrl)
                .stream().map(Upstream::hostId).toList();
    }
}
