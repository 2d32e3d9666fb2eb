package io.imagelib.ilctl.stack;

import java.util.Arrays;
import java.util.List;

/**
 * One line of {@code ilctl status}.
 *
 * @param name    component (kafka, registry, role-service, host-1, ...)
 * @param kind    what it is; Glance hosts say "simulated Glance" when they are the simulator
 * @param pid     PID, or null when not running
 * @param address where it listens
 * @param state   running, stopped or missing (module not in this checkout)
 * @param health  what it answered: ready, not ready (HTTP 503 ...), draining, no answer
 */
public record ComponentStatus(String name, String kind, Long pid, String address, String state, String health) {

    public static final List<String> COLUMNS = List.of("Component", "Kind", "PID", "Address", "State", "Health");

    public boolean healthy() {
        return "running".equals(state) && "ready".equals(health);
    }

    public List<Object> row() {
        return Arrays.asList(name, kind, pid, address, state, health);
    }
}
