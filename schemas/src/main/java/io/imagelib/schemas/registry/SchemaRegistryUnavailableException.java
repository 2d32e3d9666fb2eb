package io.imagelib.schemas.registry;

/** The registry could not be reached, timed out or answered 5xx: a fault of the infrastructure, to be retried. */
public class SchemaRegistryUnavailableException extends SchemaRegistryException {

    public SchemaRegistryUnavailableException(String message, int httpStatus, Throwable cause) {
        super(message, httpStatus, cause);
    }
}
