package io.imagelib.router.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Everything the router knows about the hosts at one moment: registrations (roles), health and the admin host per
 * region. Immutable; every change makes a new snapshot whose per-region healthy lists are computed once, so request
 * threads only read finished lists.
 */
public final class HostSnapshot {

    public static final HostSnapshot EMPTY = new HostSnapshot(Map.of(), Map.of(), Map.of());

    private final Map<String, Registration> registrations;
    private final Map<String, Health> health;
    private final Map<String, String> adminByRegion;
    private final Map<String, List<Registration>> healthyByRegion;
    private final Map<String, List<Registration>> notDrainingByRegion;
    private final Set<String> panicRegions;

    private HostSnapshot(Map<String, Registration> registrations, Map<String, Health> health,
                         Map<String, String> adminByRegion) {
        this.registrations = Map.copyOf(registrations);
        this.health = Map.copyOf(health);
        this.adminByRegion = Map.copyOf(adminByRegion);
        this.healthyByRegion = byRegion(registrations, r -> health.getOrDefault(r.hostId(), Health.UNKNOWN) == Health.UP);
        this.notDrainingByRegion = byRegion(registrations, r -> health.getOrDefault(r.hostId(), Health.UNKNOWN) != Health.DRAINING);
        this.panicRegions = notDrainingByRegion.keySet().stream().filter(region -> !healthyByRegion.containsKey(region))
                .collect(Collectors.toUnmodifiableSet());
    }

    /** The registrations that pass the filter, per region, sorted by host id (stable order for round robin). */
    private static Map<String, List<Registration>> byRegion(Map<String, Registration> registrations,
                                                            Predicate<Registration> filter) {
        Map<String, List<Registration>> grouped = new HashMap<>();
        registrations.values().stream()
                .filter(filter)
                .sorted(Comparator.comparing(Registration::hostId))
                .forEach(r -> grouped.computeIfAbsent(r.region(), k -> new ArrayList<>()).add(r));
        grouped.replaceAll((region, hosts) -> List.copyOf(hosts));
        return Map.copyOf(grouped);
    }

    /** A role record; null removes the host's registration (role removed). */
    public HostSnapshot withRegistration(String hostId, Registration registration) {
        return new HostSnapshot(with(registrations, hostId, registration), health, adminByRegion);
    }

    /** A health record; null (tombstone) forgets it, which makes the host UNKNOWN and unused. */
    public HostSnapshot withHealth(String hostId, Health status) {
        return new HostSnapshot(registrations, with(health, hostId, status), adminByRegion);
    }

    /** The admin host of a region; null when the region has none on record. */
    public HostSnapshot withAdmin(String region, String adminHostId) {
        return new HostSnapshot(registrations, health, with(adminByRegion, region, adminHostId));
    }

    /** A copy of the map with the key set to the value, or removed when the value is null (a tombstone). */
    private static <V> Map<String, V> with(Map<String, V> map, String key, V valueOrNull) {
        Map<String, V> next = new HashMap<>(map);
        if (valueOrNull == null) {
            next.remove(key);
        } else {
            next.put(key, valueOrNull);
        }
        return next;
    }

    /** UP hosts of the region, sorted by host id (stable order for round robin). */
    public List<Registration> healthy(String region) {
        return healthyByRegion.getOrDefault(region, List.of());
    }

    /** True when the region has registered hosts that are not draining but none is UP: route in panic mode. */
    public boolean inPanic(String region) {
        return panicRegions.contains(region);
    }

    /** Registered hosts of the region that are not DRAINING (UP, DOWN or UNKNOWN), sorted by host id. */
    public List<Registration> panicCandidates(String region) {
        return notDrainingByRegion.getOrDefault(region, List.of());
    }

    /** Regions in panic mode in this snapshot. */
    public Set<String> panicRegions() {
        return panicRegions;
    }

    /**
     * Hosts registered before that went DOWN or lost their registration in their region: work in flight to them
     * should be cut so it resumes elsewhere. DRAINING is not a loss (draining lets in-flight work finish), nor is a
     * health record forgotten (UNKNOWN: nobody says the host died). A DOWN that leaves its region with no host UP
     * (panic mode) is not acted on either: then the monitor is more likely wrong (a starved monitor marks busy hosts
     * DOWN one after another) and there is no UP host to move the reads to. A role removal always counts.
     */
    public Set<String> lostSince(HostSnapshot before) {
        return leftSince(before, true);
    }

    /**
     * Hosts that lost their role or went DOWN since {@code before}, in panic mode too: whatever connections the router
     * kept to them may lead to the process that failed.
     */
    public Set<String> downOrGoneSince(HostSnapshot before) {
        return leftSince(before, false);
    }

    private Set<String> leftSince(HostSnapshot before, boolean exceptInPanic) {
        Set<String> lost = new HashSet<>();
        before.registrations.forEach((hostId, was) -> {
            Registration now = registrations.get(hostId);
            boolean roleLost = now == null || !now.region().equals(was.region());
            boolean wentDown = before.health(hostId) != Health.DOWN && health(hostId) == Health.DOWN
                    && !(exceptInPanic && inPanic(was.region()));
            if (roleLost || wentDown) {
                lost.add(hostId);
            }
        });
        return Set.copyOf(lost);
    }

    /** The admin host's registration, whatever its health; empty if none is on record or it is not registered. */
    public Optional<Registration> admin(String region) {
        return Optional.ofNullable(adminByRegion.get(region)).map(registrations::get)
                .filter(r -> r.region().equals(region));
    }

    public Health health(String hostId) {
        return health.getOrDefault(hostId, Health.UNKNOWN);
    }

    public Optional<Registration> registration(String hostId) {
        return Optional.ofNullable(registrations.get(hostId));
    }

    public Map<String, Registration> registrations() {
        return registrations;
    }
}
