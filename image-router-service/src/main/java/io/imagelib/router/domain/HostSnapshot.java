package io.imagelib.router.domain;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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

    private HostSnapshot(Map<String, Registration> registrations, Map<String, Health> health,
                         Map<String, String> adminByRegion) {
        this.registrations = Map.copyOf(registrations);
        this.health = Map.copyOf(health);
        this.adminByRegion = Map.copyOf(adminByRegion);
        Map<String, List<Registration>> healthy = new HashMap<>();
        registrations.values().stream()
                .filter(r -> health.getOrDefault(r.hostId(), Health.UNKNOWN) == Health.UP)
                .sorted(Comparator.comparing(Registration::hostId))
                .forEach(r -> healthy.computeIfAbsent(r.region(), k -> new java.util.ArrayList<>()).add(r));
        healthy.replaceAll((region, hosts) -> List.copyOf(hosts));
        this.healthyByRegion = Map.copyOf(healthy);
    }

    /** A role record; null removes the host's registration (role removed). */
    public HostSnapshot withRegistration(String hostId, Registration registration) {
        Map<String, Registration> next = new HashMap<>(registrations);
        if (registration == null) {
            next.remove(hostId);
        } else {
            next.put(hostId, registration);
        }
        return new HostSnapshot(next, health, adminByRegion);
    }

    /** A health record; null (tombstone) forgets it, which makes the host UNKNOWN and unused. */
    public HostSnapshot withHealth(String hostId, Health status) {
        Map<String, Health> next = new HashMap<>(health);
        if (status == null) {
            next.remove(hostId);
        } else {
            next.put(hostId, status);
        }
        return new HostSnapshot(registrations, next, adminByRegion);
    }

    /** The admin host of a region; null when the region has none on record. */
    public HostSnapshot withAdmin(String region, String adminHostId) {
        Map<String, String> next = new HashMap<>(adminByRegion);
        if (adminHostId == null) {
            next.remove(region);
        } else {
            next.put(region, adminHostId);
        }
        return new HostSnapshot(registrations, health, next);
    }

    /** UP hosts of the region, sorted by host id (stable order for round robin). */
    public List<Registration> healthy(String region) {
        return healthyByRegion.getOrDefault(region, List.of());
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
