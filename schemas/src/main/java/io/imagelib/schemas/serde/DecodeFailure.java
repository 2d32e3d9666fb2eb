package io.imagelib.schemas.serde;

import io.imagelib.schemas.registry.SchemaNotFoundException;
import io.imagelib.schemas.registry.SchemaRegistryUnavailableException;

/**
 * Why a record could not be read, and so what its reader does: only {@link #POISON} goes to {@code <topic>-dlt};
 * every other kind holds the partition and retries, because the record is healthy and the fault lies elsewhere.
 */
public enum DecodeFailure {

    /** The bytes cannot be decoded (or a handler rejected the record): park it and read on. */
    POISON(null),
    /** The registry does not know the record's schema id (404): it restarted empty or lost its storage. */
    UNKNOWN_SCHEMA_ID("unknown-schema-id"),
    /** The registry cannot be reached, timed out or answered 5xx. */
    REGISTRY_UNAVAILABLE("registry-unavailable"),
    /** The registry names a schema of another type for the record's id: it reused ids. */
    REGISTRY_INCONSISTENT("registry-inconsistent");

    private static final int MAX_CAUSE_DEPTH = 32;

    private final String reason;

    DecodeFailure(String reason) {
        this.reason = reason;
    }

    /** The {@code reason} tag of {@code imagelib.kafka.infrastructure.retries}; null for poison. */
    public String reason() {
        return reason;
    }

    public boolean isPoison() {
        return this == POISON;
    }

    /** Classifies a failure by the first cause (outermost first) of a known kind; anything else is poison. */
    public static DecodeFailure classify(Throwable failure) {
        Throwable cause = failure;
        for (int depth = 0; cause != null && depth < MAX_CAUSE_DEPTH; depth++, cause = cause.getCause()) {
            DecodeFailure known = of(cause);
            if (known != null) {
                return known;
            }
        }
        return POISON;
    }

    private static DecodeFailure of(Throwable cause) {
        return switch (cause) {
            case RegistryInconsistentException inconsistent -> REGISTRY_INCONSISTENT;
            case SchemaNotFoundException notFound -> UNKNOWN_SCHEMA_ID;
            case SchemaRegistryUnavailableException unavailable -> REGISTRY_UNAVAILABLE;
            case UndecodableRecordException undecodable -> POISON;
            default -> null;
        };
    }
}
