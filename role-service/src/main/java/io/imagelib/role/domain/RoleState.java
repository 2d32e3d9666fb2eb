package io.imagelib.role.domain;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every image-library role currently held, by host id. Immutable: applying a record gives a new state. */
public final class RoleState {

    public static final RoleState EMPTY = new RoleState(Map.of());

    private final Map<String, HostAssignment> byHost;

    private RoleState(Map<String, HostAssignment> byHost) {
        this.byHost = byHost;
    }

    /** The state after one record of the topic: a value assigns (or replaces), null removes. */
    public RoleState with(String hostId, HostAssignment assignmentOrNull) {
        Map<String, HostAssignment> next = new HashMap<>(byHost);
        if (assignmentOrNull == null) {
            next.remove(hostId);
        } else {
            next.put(hostId, assignmentOrNull);
        }
        return new RoleState(Map.copyOf(next));
    }

    public Optional<HostAssignment> host(String hostId) {
        return Optional.ofNullable(byHost.get(hostId));
    }

    /** The hosts of a region, ordered by host id so answers and rule details are stable. */
    public List<HostAssignment> region(String region) {
        return byHost.values().stream()
                .filter(a -> a.region().equals(region))
                .sorted(Comparator.comparing(HostAssignment::hostId))
                .toList();
    }

    public int size() {
        return byHost.size();
    }
}
