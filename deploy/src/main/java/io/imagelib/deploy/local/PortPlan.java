package io.imagelib.deploy.local;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Where a stack's services listen: ilctl's conventional ports (plus an offset) or, for tests, ports free right now. */
@FunctionalInterface
public interface PortPlan {

    /** Instance n of a service listens on its base port + 100 × (n − 1), as in compose and systemd. */
    int INSTANCE_STEP = 100;

    /** The port of instance {@code instance} (1, 2, ...) of {@code service}. */
    int port(ServiceModule service, int instance);

    /** The port of a service's first (or only) instance. */
    default int port(ServiceModule service) {
        return port(service, 1);
    }

    /** {@link ServiceModule#defaultPort} plus {@code offset}: the same ports on every run, so a stack is found again. */
    static PortPlan offset(int offset) {
        return (service, instance) -> service.defaultPort() + offset + INSTANCE_STEP * (instance - 1);
    }

    /** A port free when the instance is first asked for, kept for its restarts. */
    static PortPlan free() {
        Map<String, Integer> picked = new ConcurrentHashMap<>();
        return (service, instance) -> picked.computeIfAbsent(service.instanceName(instance), s -> LocalResources.freePort());
    }
}
