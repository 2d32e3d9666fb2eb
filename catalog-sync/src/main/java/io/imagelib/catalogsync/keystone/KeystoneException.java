package io.imagelib.catalogsync.keystone;

/**
 * A Keystone call that did not do what we asked. {@code reason} is a short, metric-safe slug
 * (unavailable, unauthorized, forbidden, not-found, rejected, bad-response); the message never holds a secret.
 */
public class KeystoneException extends RuntimeException {

    private final String reason;

    public KeystoneException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public KeystoneException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }

    static KeystoneException forStatus(int status, String what) {
        String reason = switch (status) {
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not-found";
            default -> status >= 500 ? "unavailable" : "rejected";
        };
        return new KeystoneException(reason, what + " answered HTTP " + status);
    }
}
