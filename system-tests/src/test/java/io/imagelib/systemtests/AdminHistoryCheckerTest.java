package io.imagelib.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imagelib.systemtests.AdminHistoryChecker.AdminChange;
import io.imagelib.systemtests.AdminHistoryChecker.Report;
import io.imagelib.systemtests.AdminHistoryChecker.RoleEvent;
import io.imagelib.systemtests.AdminHistoryChecker.Rule;
import io.imagelib.systemtests.AdminHistoryChecker.Violation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdminHistoryCheckerTest {

    static final Instant T0 = Instant.parse("2026-11-25T18:00:00Z");
    static final Duration LAG = Duration.ofSeconds(2);
    final AdminHistoryChecker checker = new AdminHistoryChecker(LAG);

    static Instant at(double seconds) {
        return T0.plusMillis(Math.round(seconds * 1000));
    }

    static RoleEvent assigned(String host, double seconds) {
        return new RoleEvent(host, "sys", at(seconds));
    }

    static RoleEvent assignedIn(String region, String host, double seconds) {
        return new RoleEvent(host, region, at(seconds));
    }

    static RoleEvent removed(String host, double seconds) {
        return new RoleEvent(host, null, at(seconds));
    }

    /** Admin changes of region "sys" at offsets 0, 1, 2... in the order given. */
    static List<AdminChange> admins(Object[]... rows) {
        List<AdminChange> out = new ArrayList<>();
        for (Object[] row : rows) {
            out.add(new AdminChange("sys", 3, out.size(), (String) row[0], ((Number) row[1]).longValue(), (String) row[2],
                    at(((Number) row[3]).doubleValue())));
        }
        return out;
    }

    static Object[] admin(String host, long epoch, String reason, double decidedAtSeconds) {
        return new Object[] {host, epoch, reason, decidedAtSeconds};
    }

    static final List<RoleEvent> THREE_HOSTS = List.of(assigned("h1", 1), assigned("h2", 2), assigned("h3", 3));

    List<Rule> rules(Report report) {
        return report.violations().stream().map(Violation::rule).toList();
    }

    @Test
    void aCleanFailoverHistoryPasses() {
        var history = admins(admin("h1", 1, "LAST_ASSIGNED", 1.1), admin("h2", 2, "LAST_ASSIGNED", 2.1),
                admin("h3", 3, "LAST_ASSIGNED", 3.1), admin("h2", 4, "FAILOVER", 10), admin("h1", 5, "MANUAL", 20));

        Report report = checker.check(history, THREE_HOSTS);

        assertThat(report.violations()).isEmpty();
        assertThat(report.ok()).isTrue();
        assertThat(report.adminRecords()).isEqualTo(5);
        assertThat(report.roleEvents()).isEqualTo(3);
        assertThat(report.lastEpochByRegion()).containsEntry("sys", 5L);
    }

    @Test
    void anEpochThatGoesBackIsCaught() {
        var history = admins(admin("h1", 1, "LAST_ASSIGNED", 1.1), admin("h2", 3, "FAILOVER", 5), admin("h1", 2, "FAILOVER", 6));

        Report report = checker.check(history, THREE_HOSTS);

        assertThat(rules(report)).containsExactly(Rule.EPOCH_NOT_INCREASING);
        assertThat(report.violations().getFirst().epoch()).isEqualTo(2);
        assertThat(report.violations().getFirst().offset()).isEqualTo(2);
    }

    @Test
    void aRepeatedEpochForTheSameHostIsNotAnIncrease() {
        var history = admins(admin("h1", 1, "LAST_ASSIGNED", 1.1), admin("h1", 1, "LAST_ASSIGNED", 1.2));

        assertThat(rules(checker.check(history, THREE_HOSTS))).containsExactly(Rule.EPOCH_NOT_INCREASING);
    }

    @Test
    void twoHostsForOneEpochIsCaughtEvenWhenNotAdjacent() {
        var history = admins(admin("h1", 1, "LAST_ASSIGNED", 1.1), admin("h2", 2, "FAILOVER", 5), admin("h3", 3, "FAILOVER", 6),
                admin("h1", 2, "FAILOVER", 7));

        Report report = checker.check(history, THREE_HOSTS);

        assertThat(rules(report)).containsExactlyInAnyOrder(Rule.EPOCH_NOT_INCREASING, Rule.TWO_ADMINS_ONE_EPOCH);
        assertThat(report.violations()).filteredOn(v -> v.rule() == Rule.TWO_ADMINS_ONE_EPOCH)
                .singleElement().satisfies(v -> assertThat(v.detail()).contains("h1").contains("h2"));
    }

    @Test
    void recordsAreCheckedInOffsetOrderWhateverTheReadOrder() {
        List<AdminChange> inOrder = admins(admin("h1", 1, "LAST_ASSIGNED", 1.1), admin("h2", 2, "FAILOVER", 5));
        List<AdminChange> reversed = List.of(inOrder.get(1), inOrder.get(0));

        assertThat(checker.check(reversed, THREE_HOSTS).violations()).isEmpty();
    }

    @Test
    void regionsHaveTheirOwnEpochs() {
        List<AdminChange> history = List.of(
                new AdminChange("a", 0, 0, "h1", 1, "LAST_ASSIGNED", at(1.1)),
                new AdminChange("b", 1, 0, "h2", 1, "LAST_ASSIGNED", at(2.1)),
                new AdminChange("a", 0, 1, "h3", 2, "FAILOVER", at(3.1)));
        List<RoleEvent> roles = List.of(assignedIn("a", "h1", 1), assignedIn("b", "h2", 2), assignedIn("a", "h3", 3));

        Report report = checker.check(history, roles);

        assertThat(report.violations()).isEmpty();
        assertThat(report.lastEpochByRegion()).containsEntry("a", 2L).containsEntry("b", 1L);
    }

    @Test
    void anAdminNeverAssignedIsCaught() {
        var history = admins(admin("h1", 1, "LAST_ASSIGNED", 1.1), admin("h9", 2, "MANUAL", 5));

        Report report = checker.check(history, THREE_HOSTS);

        assertThat(rules(report)).containsExactly(Rule.ADMIN_WITHOUT_ROLE);
        assertThat(report.violations().getFirst().detail()).contains("h9");
    }

    @Test
    void anAdminDecidedBeforeItsAssignmentIsCaught() {
        var history = admins(admin("h3", 1, "LAST_ASSIGNED", 2.5));

        assertThat(rules(checker.check(history, THREE_HOSTS))).containsExactly(Rule.ADMIN_WITHOUT_ROLE);
    }

    @Test
    void anAdminDecidedInTheSameMillisecondAsItsAssignmentHeldIt() {
        var history = admins(admin("h3", 1, "LAST_ASSIGNED", 3));

        assertThat(checker.check(history, THREE_HOSTS).violations()).isEmpty();
    }

    @Test
    void anAdminWhoseRoleWasRemovedLongerThanTheViewLagBeforeTheDecisionIsCaught() {
        List<RoleEvent> roles = List.of(assigned("h1", 1), assigned("h2", 2), removed("h2", 4));
        var history = admins(admin("h1", 1, "LAST_ASSIGNED", 1.1), admin("h2", 2, "LAST_ASSIGNED", 2.1),
                admin("h2", 3, "MANUAL", 6.001));

        Report report = checker.check(history, roles);

        assertThat(rules(report)).containsExactly(Rule.ADMIN_WITHOUT_ROLE);
        assertThat(report.violations().getFirst().epoch()).isEqualTo(3);
    }

    @Test
    void aRemovalWithinTheViewLagMayNotHaveReachedTheElectionYet() {
        List<RoleEvent> roles = List.of(assigned("h1", 1), assigned("h2", 2), removed("h2", 4));
        var history = admins(admin("h1", 1, "LAST_ASSIGNED", 1.1), admin("h2", 2, "MANUAL", 5.999));

        assertThat(checker.check(history, roles).violations()).isEmpty();
    }

    @Test
    void aReassignedHostHoldsTheRoleAgainButNotInTheGap() {
        List<RoleEvent> roles = List.of(assigned("h1", 1), assigned("h2", 2), removed("h2", 4), assigned("h2", 20));
        var ok = admins(admin("h1", 1, "LAST_ASSIGNED", 1.1), admin("h2", 2, "LAST_ASSIGNED", 20.1));
        var inTheGap = admins(admin("h1", 1, "LAST_ASSIGNED", 1.1), admin("h2", 2, "MANUAL", 12));

        assertThat(checker.check(ok, roles).violations()).isEmpty();
        assertThat(rules(checker.check(inTheGap, roles))).containsExactly(Rule.ADMIN_WITHOUT_ROLE);
    }

    @Test
    void theRoleMustBeHeldInTheAdminsRegion() {
        List<RoleEvent> roles = List.of(assignedIn("other", "h1", 1));
        var history = admins(admin("h1", 1, "LAST_ASSIGNED", 2));

        assertThat(rules(checker.check(history, roles))).containsExactly(Rule.ADMIN_WITHOUT_ROLE);
    }

    @Test
    void aHostMovedToAnotherRegionStopsHoldingTheRoleInTheFirst() {
        List<RoleEvent> roles = List.of(assigned("h1", 1), assignedIn("other", "h1", 3));
        var stale = admins(admin("h1", 1, "MANUAL", 10));
        var inTime = admins(admin("h1", 1, "MANUAL", 2));

        assertThat(rules(checker.check(stale, roles))).containsExactly(Rule.ADMIN_WITHOUT_ROLE);
        assertThat(checker.check(inTime, roles).violations()).isEmpty();
    }

    @Test
    void noHealthyHostKeepsTheLastAdminOnRecordEvenWithoutRole() {
        List<RoleEvent> roles = List.of(assigned("h1", 1), removed("h1", 5));
        var history = admins(admin("h1", 1, "LAST_ASSIGNED", 1.1), admin("h1", 2, "NO_HEALTHY_HOST", 30), admin(null, 3, "NO_HEALTHY_HOST", 31));

        assertThat(checker.check(history, roles).violations()).isEmpty();
    }

    @Test
    void aServingRecordWithoutHostIsCaught() {
        var history = admins(admin(null, 1, "FAILOVER", 5));

        assertThat(rules(checker.check(history, THREE_HOSTS))).containsExactly(Rule.ADMIN_WITHOUT_ROLE);
    }

    @Test
    void aZeroViewLagDemandsTheRoleAtTheDecisionInstant() {
        List<RoleEvent> roles = List.of(assigned("h1", 1), removed("h1", 4));
        var history = admins(admin("h1", 1, "MANUAL", 4.001));

        assertThat(rules(new AdminHistoryChecker(Duration.ZERO).check(history, roles))).containsExactly(Rule.ADMIN_WITHOUT_ROLE);
        assertThat(checker.check(history, roles).violations()).isEmpty();
    }

    @Test
    void everyViolationOfAMixedHistoryIsReported() {
        var history = admins(admin("h1", 1, "LAST_ASSIGNED", 1.1), admin("h2", 1, "FAILOVER", 5), admin("h9", 2, "MANUAL", 6));

        assertThat(rules(checker.check(history, THREE_HOSTS))).containsExactlyInAnyOrder(Rule.EPOCH_NOT_INCREASING,
                Rule.TWO_ADMINS_ONE_EPOCH, Rule.ADMIN_WITHOUT_ROLE);
    }

    @Test
    void aNegativeViewLagIsRefused() {
        assertThatThrownBy(() -> new AdminHistoryChecker(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
    }
}
