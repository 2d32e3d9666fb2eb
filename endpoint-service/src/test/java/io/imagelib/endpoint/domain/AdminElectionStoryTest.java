package io.imagelib.endpoint.domain;

import static io.imagelib.endpoint.domain.Regions.NOW;
import static io.imagelib.endpoint.domain.Regions.assigned;
import static io.imagelib.endpoint.domain.Regions.down;
import static io.imagelib.endpoint.domain.Regions.draining;
import static io.imagelib.endpoint.domain.Regions.given;
import static io.imagelib.endpoint.domain.Regions.removed;
import static io.imagelib.endpoint.domain.Regions.setAdminUrl;
import static io.imagelib.endpoint.domain.Regions.up;
import static io.imagelib.endpoint.domain.Regions.when;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** One story per election rule: Given a region, When something happens, Then the admin is ... */
class AdminElectionStoryTest {

    @Test
    void theFirstHostUpBecomesAdminWithEpochOne() {
        var region = given(assigned("h1", 1));

        var decision = when(region, up("h1"));

        assertThat(decision.change()).hasValueSatisfying(change -> {
            assertThat(change.admin().hostId()).isEqualTo("h1");
            assertThat(change.admin().url()).isEqualTo("https://h1:9494");
            assertThat(change.admin().epoch()).isEqualTo(1);
            assertThat(change.admin().reason()).isEqualTo(AdminReason.LAST_ASSIGNED);
            assertThat(change.previousHostId()).isNull();
        });
    }

    @Test
    void theLastAssignedHostTakesTheAdminOnceItIsUp() {
        var region = given(assigned("h1", 1), up("h1"), assigned("h2", 2));
        assertThat(region.admin().orElseThrow().hostId()).as("h2 not probed yet: h1 keeps it").isEqualTo("h1");

        var decision = when(region, up("h2"));

        assertThat(decision.change()).hasValueSatisfying(change -> {
            assertThat(change.admin().hostId()).isEqualTo("h2");
            assertThat(change.admin().reason()).isEqualTo(AdminReason.LAST_ASSIGNED);
            assertThat(change.admin().epoch()).isEqualTo(2);
            assertThat(change.previousHostId()).isEqualTo("h1");
        });
    }

    @Test
    void aNewlyAssignedHostThatIsKnownDownPassesItsTurnForGood() {
        var region = given(assigned("h1", 1), up("h1"), down("h2"), assigned("h2", 2));

        var decision = when(region, up("h2"));

        assertThat(decision.change()).as("h2 was DOWN when assigned: coming UP later is not a new assignment").isEmpty();
        assertThat(decision.next().admin().orElseThrow().hostId()).isEqualTo("h1");
    }

    @Test
    void adminMovesToTheNewestHealthyHostWhenTheAdminDies() {
        var region = given(assigned("h1", 1), up("h1"), assigned("h2", 2), up("h2"),
                assigned("h3", 3), up("h3"), assigned("h4", 4), up("h4"), down("h3"));
        assertThat(region.admin().orElseThrow().hostId()).isEqualTo("h4");

        var decision = when(region, down("h4"));

        assertThat(decision.change()).hasValueSatisfying(change -> {
            assertThat(change.admin().hostId()).as("h3 is newer but DOWN").isEqualTo("h2");
            assertThat(change.admin().reason()).isEqualTo(AdminReason.FAILOVER);
            assertThat(change.previousHostId()).isEqualTo("h4");
            assertThat(change.detail()).contains("h4 is DOWN");
        });
    }

    @Test
    void tiesInAssignmentTimeGoToTheGreaterHostId() {
        var region = given(assigned("h1", 1), assigned("a", 5), assigned("b", 5), assigned("h9", 9),
                up("h1"), up("a"), up("b"), up("h9"));
        assertThat(region.admin().orElseThrow().hostId()).isEqualTo("h9");

        var decision = when(region, down("h9"));

        assertThat(decision.change().orElseThrow().admin().hostId()).isEqualTo("b");
    }

    @Test
    void aRecoveredHostDoesNotTakeTheAdminBack() {
        var region = given(assigned("h1", 1), up("h1"), assigned("h2", 2), up("h2"), down("h2"));
        assertThat(region.admin().orElseThrow().hostId()).isEqualTo("h1");

        var decision = when(region, up("h2"));

        assertThat(decision.change()).as("no failback").isEmpty();
    }

    @Test
    void aDrainingAdminHandsOver() {
        var region = given(assigned("h1", 1), up("h1"), assigned("h2", 2), up("h2"));

        var decision = when(region, draining("h2"));

        assertThat(decision.change()).hasValueSatisfying(change -> {
            assertThat(change.admin().hostId()).isEqualTo("h1");
            assertThat(change.admin().reason()).isEqualTo(AdminReason.HANDOVER);
        });
    }

    @Test
    void anAdminThatLosesTheRoleIsReplaced() {
        var region = given(assigned("h1", 1), up("h1"), assigned("h2", 2), up("h2"));

        var decision = when(region, removed("h2"));

        assertThat(decision.change()).hasValueSatisfying(change -> {
            assertThat(change.admin().hostId()).isEqualTo("h1");
            assertThat(change.admin().reason()).isEqualTo(AdminReason.ROLE_REMOVED);
        });
    }

    @Test
    void withNoHealthyHostTheLastAdminIsKeptOnRecordAndComesBackWithTheFirstUpHost() {
        var region = given(assigned("h1", 1), up("h1"), assigned("h2", 2), up("h2"), down("h1"));

        var lost = when(region, down("h2"));

        assertThat(lost.change()).hasValueSatisfying(change -> {
            assertThat(change.admin().reason()).isEqualTo(AdminReason.NO_HEALTHY_HOST);
            assertThat(change.admin().hostId()).as("last admin on record").isEqualTo("h2");
            assertThat(change.admin().url()).isEqualTo("https://h2:9494");
            assertThat(change.admin().serving()).isFalse();
            assertThat(change.admin().epoch()).isEqualTo(3);
        });

        var back = when(lost.next(), up("h1"));

        assertThat(back.change()).hasValueSatisfying(change -> {
            assertThat(change.admin().hostId()).isEqualTo("h1");
            assertThat(change.admin().serving()).isTrue();
            assertThat(change.admin().reason()).isEqualTo(AdminReason.FAILOVER);
            assertThat(change.admin().epoch()).isEqualTo(4);
        });
    }

    @Test
    void theElectionIsIdempotent() {
        var region = given(assigned("h1", 1), up("h1"), assigned("h2", 2), up("h2"), down("h2"));

        assertThat(AdminElection.decide(region, NOW).change()).isEmpty();
    }

    @Test
    void anOperatorMovesTheAdminToAnUpHostByItsAdminUrl() {
        var region = given(assigned("h1", 1), up("h1"), assigned("h2", 2), up("h2"));

        var answer = AdminElection.setAdmin(region, setAdminUrl("https://H1:9494/"), NOW);

        assertThat(answer.accepted()).isTrue();
        assertThat(answer.decision().change()).hasValueSatisfying(change -> {
            assertThat(change.admin().hostId()).isEqualTo("h1");
            assertThat(change.admin().reason()).isEqualTo(AdminReason.MANUAL);
            assertThat(change.admin().epoch()).isEqualTo(3);
            assertThat(change.detail()).contains("operator");
        });
        assertThat(AdminElection.decide(answer.decision().next(), NOW).change()).as("the choice sticks").isEmpty();
    }

    @Test
    void settingTheCurrentAdminAgainIsAcceptedWithoutANewEpoch() {
        var region = given(assigned("h1", 1), up("h1"));

        var answer = AdminElection.setAdmin(region, setAdminUrl("https://h1:9494"), NOW);

        assertThat(answer.accepted()).isTrue();
        assertThat(answer.decision().change()).isEmpty();
        assertThat(answer.adminInForce().orElseThrow().epoch()).isEqualTo(1);
    }

    @Test
    void anOperatorCannotPickADownHost() {
        var region = given(assigned("h1", 1), up("h1"), assigned("h2", 2), up("h2"), down("h1"));

        var answer = AdminElection.setAdmin(region, setAdminUrl("https://h1:9494"), NOW);

        assertThat(answer.refusal()).hasValueSatisfying(refusal -> {
            assertThat(refusal.code()).isEqualTo(Refusal.Code.HOST_NOT_HEALTHY);
            assertThat(refusal.message()).contains("h1", "DOWN", "UP hosts: https://h2:9494 (h2)");
        });
        assertThat(answer.decision().change()).isEmpty();
    }

    @Test
    void anOperatorCannotPickAUrlNoHostHas() {
        var region = given(assigned("h1", 1), up("h1"));

        var answer = AdminElection.setAdmin(region, setAdminUrl("https://10.0.0.9:9494"), NOW);

        assertThat(answer.refusal()).hasValueSatisfying(refusal -> {
            assertThat(refusal.code()).isEqualTo(Refusal.Code.UNKNOWN_HOST);
            assertThat(refusal.message()).contains("https://10.0.0.9:9494", "https://h1:9494 (h1, UP)");
        });
    }

    @Test
    void adminUrlsCompareCaseInsensitivelyInSchemeAndHostButNotInThePath() {
        var region = RegionState.empty(Regions.REGION)
                .apply(new HostUpdate.Assigned(new RoleFact("h1", "https://h1:9292", "https://h1.example:9494/Glance", Regions.NOW)))
                .apply(up("h1"));

        assertThat(AdminElection.setAdmin(region, setAdminUrl("HTTPS://H1.Example:9494/Glance/"), NOW).accepted())
                .as("RFC 3986: scheme and host are case-insensitive; a trailing slash is ignored").isTrue();
        assertThat(AdminElection.setAdmin(region, setAdminUrl("https://h1.example:9494/glance"), NOW).refusal())
                .as("RFC 3986: the path is case-sensitive, so another path names no host")
                .hasValueSatisfying(refusal -> assertThat(refusal.code()).isEqualTo(Refusal.Code.UNKNOWN_HOST));
    }

    @Test
    void refusalCodesTravelAsTheirSlugAndReadBack() {
        assertThat(Refusal.Code.values()).allSatisfy(code ->
                assertThat(Refusal.Code.fromSlug(code.slug())).contains(code));
        assertThat(Refusal.Code.UNSUPPORTED_COMMAND.slug()).isEqualTo("unsupported-command");
        assertThat(Refusal.Code.fromSlug("no-such-rule")).isEmpty();
    }

    @Test
    void anOperatorCannotSetTheAdminOfAnEmptyRegion() {
        var answer = AdminElection.setAdmin(RegionState.empty("LAX"), setAdminUrl("https://h1:9494"), NOW);

        assertThat(answer.refusal().orElseThrow().code()).isEqualTo(Refusal.Code.UNKNOWN_REGION);
    }

    @Test
    void endpointIdsAreStablePerRegionInterfaceAndHost() {
        String id = EndpointIds.id("SJC", EndpointInterface.ADMIN, "h1");

        assertThat(id).hasSize(32).matches("[0-9a-f]{32}").isEqualTo(EndpointIds.id("SJC", EndpointInterface.ADMIN, "h1"));
        assertThat(id).isNotEqualTo(EndpointIds.id("SJC", EndpointInterface.PUBLIC, "h1"))
                .isNotEqualTo(EndpointIds.id("LAX", EndpointInterface.ADMIN, "h1"))
                .isNotEqualTo(EndpointIds.id("SJC", EndpointInterface.ADMIN, "h2"));
    }
}
