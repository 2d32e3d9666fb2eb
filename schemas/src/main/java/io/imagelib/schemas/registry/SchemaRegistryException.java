package io.imagelib.schemas.registry;

/** The registry refused a request or could not be reached; the message says which registry and why. */
public class SchemaRegistryException extends RuntimeException {

    private final int httpStatus;

    public SchemaRegistryException(String message, int httpStatus, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
    }

    public SchemaRegistryException(String message, int httpStatus) {
        this(message, httpStatus, null);
    }

    /** HTTP status of the registry's answer; 0 when the registry could not be reached. */
    public int httpStatus() {
        return httpStatus;
    }
}
