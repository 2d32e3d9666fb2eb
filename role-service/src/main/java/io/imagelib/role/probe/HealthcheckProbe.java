package io.imagelib.role.probe;

/** Asks a host's Glance whether it serves, before the host is given the role. */
public interface HealthcheckProbe {

    /** Checks {@code <publicUrl>/healthcheck}; never throws for an unhealthy or unreachable host. */
    ProbeResult check(String publicUrl);
}
