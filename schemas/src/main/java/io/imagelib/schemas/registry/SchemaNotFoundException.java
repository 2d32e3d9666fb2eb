package io.imagelib.schemas.registry;

/**
 * The registry answered 404: it does not know that schema id or subject. For a record already in Kafka this is the
 * registry's fault, not the record's (it restarted empty, or its storage was lost), so readers retry instead of
 * parking the record.
 */
public class SchemaNotFoundException extends SchemaRegistryException {

    /** Confluent's error code for an unknown schema id, e.g. {@code {"error_code":40403,"message":"Schema not found"}}. */
    public static final int SCHEMA_NOT_FOUND = 40403;

    private final int errorCode;

    public SchemaNotFoundException(String message, int errorCode) {
        super(message, 404);
        this.errorCode = errorCode;
    }

    /** Confluent error code from the answer's body (40403 schema, 40401 subject, 40402 version); 0 if it had none. */
    public int errorCode() {
        return errorCode;
    }
}
