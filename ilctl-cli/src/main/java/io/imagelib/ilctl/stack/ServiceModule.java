package io.imagelib.ilctl.stack;

import java.util.Arrays;
import java.util.List;

/** The services of the system, each an executable Spring Boot jar built by its own module: the one list of them. */
public enum ServiceModule {
    ROLE("role-service", 8090),
    ENDPOINT("endpoint-service", 8091),
    MONITOR("host-monitor-service", 8092),
    ROUTER("image-router-service", 9292),
    /** Keeps the Keystone catalog's admin endpoint on the admin host: only where the stack runs a Keystone. */
    CATALOG_SYNC("catalog-sync", 8093);

    private final String module;
    private final int defaultPort;

    ServiceModule(String module, int defaultPort) {
        this.module = module;
        this.defaultPort = defaultPort;
    }

    /** The services a stack of this Glance mode runs (simulated hosts have no Keystone, so no catalog-sync). */
    public static List<ServiceModule> of(StackConfig.GlanceMode glance) {
        return Arrays.stream(values()).filter(s -> s != CATALOG_SYNC || glance == StackConfig.GlanceMode.real).toList();
    }

    public String module() {
        return module;
    }

    public int defaultPort() {
        return defaultPort;
    }

    /** Readiness includes the state readers' catch-up, so "ready" means the service sees the topics' current state. */
    public String readinessPath() {
        return "/actuator/health/readiness";
    }
}
