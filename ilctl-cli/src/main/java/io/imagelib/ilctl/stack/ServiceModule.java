package io.imagelib.ilctl.stack;

/** The four services of the system, each an executable Spring Boot jar built by its own module. */
public enum ServiceModule {
    ROLE("role-service", 8090),
    ENDPOINT("endpoint-service", 8091),
    MONITOR("host-monitor-service", 8092),
    ROUTER("image-router-service", 9292);

    private final String module;
    private final int defaultPort;

    ServiceModule(String module, int defaultPort) {
        this.module = module;
        this.defaultPort = defaultPort;
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
