package io.imagelib.deploy.local;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Where a stack's services listen: ilctl's conventional ports (plus an offset) or, for tests, ports free right now. */
@FunctionalInterface
public interface PortPlan {

    int port(ServiceModule service);

    /** {@link ServiceModule#defaultPort} plus {@code offset}: the same ports on every run, so a stack is found again. */
    static PortPlan offset(int offset) {
        return service -> service.defaultPort() + offset;
    }

    /** A port free when the service is first asked for, kept for its restarts. */
    static PortPlan free() {
        Map<ServiceModule, Integer> picked = new ConcurrentHashMap<>();
        return service -> picked.computeIfAbsent(service, s -> LocalResources.freePort());
    }
}
