package io.imagelib.endpoint.domain;

import java.time.Instant;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Who should hold a region's admin (upload) endpoint, as a pure function of the region's facts.
 * Rules, in order:
 * <ol>
 *   <li>LAST_ASSIGNED: the host assigned the role most recently takes the admin once it is known UP (the seed's rule;
 *       a host not probed yet is waited for, a host known DOWN or DRAINING passes its turn).</li>
 *   <li>The admin stays while its host holds the role and is not DOWN or DRAINING: no failback, a recovered host
 *       does not take the admin back.</li>
 *   <li>ROLE_REMOVED / FAILOVER / HANDOVER: the admin's host lost the role, went DOWN or is DRAINING; the admin moves
 *       at once to the UP host with the latest assignment (ties by hostId).</li>
 *   <li>NO_HEALTHY_HOST: nobody is UP; the last admin is kept on record, not serving, until a host is UP again.</li>
 * </ol>
 * Every change increments the epoch by one.
 */
public final class AdminElection {

    /** Preference among candidates: latest assignment first, then the greater hostId, so the choice is total. */
    static final Comparator<RoleFact> PREFERENCE =
            Comparator.comparing(RoleFact::assignedAt).thenComparing(RoleFact::hostId);

    private AdminElection() {
    }

    /** Returns the admin the region should have now; same input, same answer. */
    public static Decision decide(RegionState state, Instant now) {
        RegionState settled = state.withAssignmentWatermark(advancedWatermark(state));
        Optional<AdminRecord> current = state.admin();
        Optional<RoleFact> newcomer = upNewcomer(state);
        if (newcomer.isPresent() && !isServing(current, newcomer.get().hostId())) {
            RoleFact host = newcomer.get();
            return move(settled, host, AdminReason.LAST_ASSIGNED,
                    "host " + host.hostId() + " is the last assigned the role (at " + host.assignedAt() + ") and is UP", now);
        }
        if (current.isPresent() && current.get().serving()) {
            return replaceIfUnfit(settled, current.get(), now);
        }
        Optional<RoleFact> best = bestUpHost(state);
        if (best.isEmpty()) {
            return Decision.unchanged(settled);
        }
        return current.isEmpty()
                ? move(settled, best.get(), AdminReason.LAST_ASSIGNED,
                        "first UP host of the region: " + best.get().hostId(), now)
                : move(settled, best.get(), AdminReason.FAILOVER,
                        "region had no healthy host; " + best.get().hostId() + " is UP", now);
    }

    /** An operator's choice, validated: it must name a registered UP host of the region. */
    public static CommandDecision setAdmin(RegionState state, SetAdmin command, Instant now) {
        if (state.roles().isEmpty()) {
            return refused(state, Refusal.Code.UNKNOWN_REGION, "Region " + state.region()
                    + " has no image-library host; assign the role to a host first.");
        }
        Optional<RoleFact> target = resolve(state, command);
        if (target.isEmpty()) {
            return refused(state, Refusal.Code.UNKNOWN_HOST, "No image-library host of region " + state.region()
                    + " has " + describe(command) + ". Registered admin URLs: " + adminUrls(state) + ".");
        }
        RoleFact host = target.get();
        Health health = state.healthOf(host.hostId());
        if (health != Health.UP) {
            return refused(state, Refusal.Code.HOST_NOT_HEALTHY, "Host " + host.hostId() + " (" + host.adminUrl()
                    + ") is " + health + "; the admin endpoint must be an UP host. UP hosts: " + upHosts(state) + ".");
        }
        if (isServing(state.admin(), host.hostId())) {
            return new CommandDecision(Decision.unchanged(state), state.admin(), Optional.empty());
        }
        Decision decision = move(state, host, AdminReason.MANUAL,
                "set by " + command.requester() + " (request " + command.requestId() + ")", now);
        return new CommandDecision(decision, decision.next().admin(), Optional.empty());
    }

    private static Decision replaceIfUnfit(RegionState settled, AdminRecord admin, Instant now) {
        Optional<AdminReason> unfit = whyUnfit(settled, admin.hostId());
        if (unfit.isEmpty()) {
            return Decision.unchanged(settled);
        }
        String why = "admin host " + admin.hostId() + " " + switch (unfit.get()) {
            case ROLE_REMOVED -> "lost the image-library role";
            case HANDOVER -> "is DRAINING";
            default -> "is DOWN";
        };
        Optional<RoleFact> successor = bestUpHost(settled);
        if (successor.isPresent()) {
            return move(settled, successor.get(), unfit.get(), why + "; moved to " + successor.get().hostId(), now);
        }
        AdminRecord onRecord = new AdminRecord(admin.hostId(), admin.url(), admin.epoch() + 1,
                AdminReason.NO_HEALTHY_HOST, false, now);
        return Decision.changed(settled, new AdminChange(settled.region(), onRecord, admin.hostId(),
                why + "; no UP host left, " + admin.hostId() + " kept on record"));
    }

    private static Optional<AdminReason> whyUnfit(RegionState state, String hostId) {
        if (!state.isRegistered(hostId)) {
            return Optional.of(AdminReason.ROLE_REMOVED);
        }
        return switch (state.healthOf(hostId)) {
            case DOWN -> Optional.of(AdminReason.FAILOVER);
            case DRAINING -> Optional.of(AdminReason.HANDOVER);
            default -> Optional.empty();
        };
    }

    private static Decision move(RegionState state, RoleFact to, AdminReason reason, String detail, Instant now) {
        String previous = state.admin().map(AdminRecord::hostId).orElse(null);
        AdminRecord admin = new AdminRecord(to.hostId(), to.adminUrl(), state.epoch() + 1, reason, true, now);
        return Decision.changed(state, new AdminChange(state.region(), admin, previous, detail));
    }

    /**
     * The last assigned host, if it was assigned after the watermark and is known UP. While it is not probed yet
     * the watermark stays below it, so it still takes the admin once the monitor reports it UP.
     */
    private static Optional<RoleFact> upNewcomer(RegionState state) {
        return state.roles().values().stream()
                .filter(role -> role.assignedAt().isAfter(state.assignmentWatermark()))
                .max(PREFERENCE)
                .filter(role -> state.healthOf(role.hostId()) == Health.UP);
    }

    private static Instant advancedWatermark(RegionState state) {
        return state.roles().values().stream()
                .filter(role -> state.healthOf(role.hostId()) != Health.UNKNOWN)
                .map(RoleFact::assignedAt)
                .filter(assignedAt -> assignedAt.isAfter(state.assignmentWatermark()))
                .max(Comparator.naturalOrder())
                .orElse(state.assignmentWatermark());
    }

    private static Optional<RoleFact> bestUpHost(RegionState state) {
        return state.roles().values().stream()
                .filter(role -> state.healthOf(role.hostId()) == Health.UP)
                .max(PREFERENCE);
    }

    private static boolean isServing(Optional<AdminRecord> admin, String hostId) {
        return admin.filter(a -> a.serving() && a.hostId().equals(hostId)).isPresent();
    }

    private static Optional<RoleFact> resolve(RegionState state, SetAdmin command) {
        if (command.hostId() != null) {
            return Optional.ofNullable(state.roles().get(command.hostId()));
        }
        String wanted = normalize(command.url());
        return state.roles().values().stream().filter(role -> normalize(role.adminUrl()).equals(wanted)).findFirst();
    }

    /**
     * URLs compare as operators type them: without a trailing slash, and case-insensitively in scheme and host only,
     * because RFC 3986 (3.1, 3.2.2) makes those two case-insensitive while the path, and user info, are not.
     */
    private static String normalize(String url) {
        String trimmed = url == null ? "" : url.strip();
        String bare = trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
        int schemeEnd = bare.indexOf("://");
        if (schemeEnd < 0) {
            return bare;
        }
        int authorityStart = schemeEnd + 3;
        int authorityEnd = indexOfAny(bare, "/?#", authorityStart);
        int hostStart = Math.max(authorityStart, bare.lastIndexOf('@', authorityEnd - 1) + 1);
        return bare.substring(0, schemeEnd).toLowerCase(Locale.ROOT) + bare.substring(schemeEnd, hostStart)
                + bare.substring(hostStart, authorityEnd).toLowerCase(Locale.ROOT) + bare.substring(authorityEnd);
    }

    private static int indexOfAny(String text, String characters, int from) {
        for (int i = from; i < text.length(); i++) {
            if (characters.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return text.length();
    }

    private static String describe(SetAdmin command) {
        return command.hostId() != null ? "host id " + command.hostId() : "admin URL " + command.url();
    }

    private static String adminUrls(RegionState state) {
        return state.roles().values().stream().sorted(PREFERENCE.reversed())
                .map(role -> role.adminUrl() + " (" + role.hostId() + ", " + state.healthOf(role.hostId()) + ")")
                .collect(Collectors.joining(", "));
    }

    private static String upHosts(RegionState state) {
        String up = state.roles().values().stream().filter(role -> state.healthOf(role.hostId()) == Health.UP)
                .sorted(PREFERENCE.reversed()).map(role -> role.adminUrl() + " (" + role.hostId() + ")")
                .collect(Collectors.joining(", "));
        return up.isEmpty() ? "none" : up;
    }

    private static CommandDecision refused(RegionState state, Refusal.Code code, String message) {
        return new CommandDecision(Decision.unchanged(state), Optional.empty(), Optional.of(new Refusal(code, message)));
    }
}
