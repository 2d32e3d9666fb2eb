package io.imagelib.role.probe;

/**
 * Outcome of a health check.
 *
 * @param url     the URL that was asked
 * @param failure null when healthy, else what went wrong in words an operator can act on
 */
public record ProbeResult(String url, String failure) {

    public static ProbeResult healthy(String url) {
        return new ProbeResult(url, null);
    }

    public static ProbeResult failed(String url, String failure) {
        return new ProbeResult(url, failure);
    }

    public boolean isHealthy() {
        return failure == null;
    }
}
