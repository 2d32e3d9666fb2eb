package io.imagelib.systemtests;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Checks a whole admin-endpoint history against the host-roles history. Pure: no Kafka, no clock; the histories
 * come in as plain records (read from offset 0 with {@code read_committed}, see {@code TopicHistory}).
 *
 * <p>Rules, per region:
 * <ol>
 *   <li>{@link Rule#EPOCH_NOT_INCREASING}: in offset order each record's epoch is above the previous one's (a repeat
 *       is a violation too: every record of the topic is a change).</li>
 *   <li>{@link Rule#TWO_ADMINS_ONE_EPOCH}: no epoch names two different hosts, anywhere in the history.</li>
 *   <li>{@link Rule#ADMIN_WITHOUT_ROLE}: the admin held the role in that region at decision time.</li>
 * </ol>
 *
 * <p><b>"At decision time", precisely.</b> The two topics have no common offset order (host-roles is keyed by
 * hostId over several partitions, admin-endpoint by region), so the only common axis is time: the decision instant
 * {@code D} is the record's {@code changedAt} (the endpoint-service's clock when it decided) and a role event's
 * instant is its Kafka record timestamp (CreateTime, stamped by the role-service's producer on send). In the system
 * tests both are the same machine's clock. The endpoint-service decides on the host-roles records it has consumed,
 * which are all written before {@code D} but may miss the ones written shortly before it. So an admin named at
 * {@code D} is justified iff its host held the role in the admin's region at some instant of
 * {@code [D - viewLag, D]}: a removal up to {@code viewLag} before the decision may not have reached the election
 * yet; an assignment stamped after {@code D} can never justify it. {@code NO_HEALTHY_HOST} records are exempt: by
 * contract they keep the last admin on record (possibly role-less) and serve nothing.
 */
public final class AdminHistoryChecker {

    /** The reason the endpoint-service gives when no host can serve; its hostId is only the last admin kept on record. */
    public static final String NO_HEALTHY_HOST = "NO_HEALTHY_HOST";

    /** One committed admin-endpoint record; {@code hostId} null when the region never had an admin. */
    public record AdminChange(String region, int partition, long offset, String hostId, long epoch, String reason,
                              Instant decidedAt) {
    }

    /** One host-roles record in its partition's offset order; {@code region} null for a tombstone (role removed). */
    public record RoleEvent(String hostId, String region, Instant timestamp) {
        public boolean assigned() {
            return region != null;
        }
    }

    public enum Rule { EPOCH_NOT_INCREASING, TWO_ADMINS_ONE_EPOCH, ADMIN_WITHOUT_ROLE }

    public record Violation(Rule rule, String region, long epoch, long offset, String detail) {
        @Override
        public String toString() {
            return "%s region %s epoch %d (offset %d): %s".formatted(rule, region, epoch, offset, detail);
        }
    }

    /** What was checked and what broke; {@code ok()} when nothing did. */
    public record Report(int adminRecords, int roleEvents, Map<String, Long> lastEpochByRegion, List<Violation> violations) {
        public boolean ok() {
            return violations.isEmpty();
        }
    }

    private final Duration viewLag;

    /** {@code viewLag}: how far the election's view of host-roles may trail the topic (see the class comment). */
    public AdminHistoryChecker(Duration viewLag) {
        if (viewLag.isNegative()) {
            throw new IllegalArgumentException("viewLag must not be negative: " + viewLag);
        }
        this.viewLag = viewLag;
    }

    /**
     * {@code admins} in the order read (a region's records share one partition, so per region this is offset
     * order); {@code roles} in the order read (per host, offset order of its partition).
     */
    public Report check(List<AdminChange> admins, List<RoleEvent> roles) {
        List<Violation> violations = new ArrayList<>();
        Map<String, List<AdminChange>> byRegion = new LinkedHashMap<>();
        for (AdminChange a : admins) {
            byRegion.computeIfAbsent(a.region(), r -> new ArrayList<>()).add(a);
        }
        Map<String, List<RoleEvent>> rolesByHost = new HashMap<>();
        for (RoleEvent r : roles) {
            rolesByHost.computeIfAbsent(r.hostId(), h -> new ArrayList<>()).add(r);
        }
        Map<String, Long> lastEpoch = new LinkedHashMap<>();
        byRegion.forEach((region, changes) -> {
            changes.sort(Comparator.comparingInt(AdminChange::partition).thenComparingLong(AdminChange::offset));
            checkEpochsIncrease(changes, violations);
            checkOneAdminPerEpoch(changes, violations);
            for (AdminChange change : changes) {
                checkHeldRole(change, rolesByHost.getOrDefault(change.hostId(), List.of()), violations);
            }
            lastEpoch.put(region, changes.getLast().epoch());
        });
        return new Report(admins.size(), roles.size(), lastEpoch, List.copyOf(violations));
    }

    private static void checkEpochsIncrease(List<AdminChange> changes, List<Violation> violations) {
        for (int i = 1; i < changes.size(); i++) {
            AdminChange before = changes.get(i - 1);
            AdminChange now = changes.get(i);
            if (now.epoch() <= before.epoch()) {
                violations.add(new Violation(Rule.EPOCH_NOT_INCREASING, now.region(), now.epoch(), now.offset(),
                        "epoch %d (%s) follows epoch %d (%s, offset %d)".formatted(now.epoch(), now.hostId(), before.epoch(),
                                before.hostId(), before.offset())));
            }
        }
    }

    private static void checkOneAdminPerEpoch(List<AdminChange> changes, List<Violation> violations) {
        Map<Long, AdminChange> firstByEpoch = new HashMap<>();
        for (AdminChange change : changes) {
            AdminChange first = firstByEpoch.putIfAbsent(change.epoch(), change);
            if (first != null && !Objects.equals(first.hostId(), change.hostId())) {
                violations.add(new Violation(Rule.TWO_ADMINS_ONE_EPOCH, change.region(), change.epoch(), change.offset(),
                        "epoch %d names %s here and %s at offset %d".formatted(change.epoch(), change.hostId(), first.hostId(),
                                first.offset())));
            }
        }
    }

    private void checkHeldRole(AdminChange change, List<RoleEvent> hostRoles, List<Violation> violations) {
        if (NO_HEALTHY_HOST.equals(change.reason())) {
            return;
        }
        if (change.hostId() == null) {
            violations.add(new Violation(Rule.ADMIN_WITHOUT_ROLE, change.region(), change.epoch(), change.offset(),
                    "no host named, reason " + change.reason()));
            return;
        }
        Instant from = change.decidedAt().minus(viewLag);
        if (!heldDuring(hostRoles, change.region(), from, change.decidedAt())) {
            violations.add(new Violation(Rule.ADMIN_WITHOUT_ROLE, change.region(), change.epoch(), change.offset(),
                    "%s (%s) did not hold the role in %s at any instant of [%s, %s]; its role events: %s".formatted(
                            change.hostId(), change.reason(), change.region(), from, change.decidedAt(), hostRoles)));
        }
    }

    /**
     * Whether the host held the role in {@code region} at some instant of {@code [from, to]}: the role holds from an
     * assignment's timestamp until the next event's (a tombstone, or an assignment to another region).
     */
    static boolean heldDuring(List<RoleEvent> hostRoles, String region, Instant from, Instant to) {
        for (int i = 0; i < hostRoles.size(); i++) {
            RoleEvent event = hostRoles.get(i);
            if (!region.equals(event.region())) {
                continue;
            }
            Instant start = event.timestamp();
            Instant end = i + 1 < hostRoles.size() ? hostRoles.get(i + 1).timestamp() : Instant.MAX;
            // The held interval is [start, end): it overlaps [from, to] iff it starts by `to` and ends after `from`.
            if (!start.isAfter(to) && end.isAfter(from)) {
                return true;
            }
        }
        return false;
    }
}
