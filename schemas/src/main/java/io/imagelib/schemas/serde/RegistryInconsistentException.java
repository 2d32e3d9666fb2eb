package io.imagelib.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * The registry names, for a record's schema id, a schema of another type than the topic carries: a registry that
 * restarted empty handed the id out again, to another schema. Decoding would read the bytes with the wrong schema,
 * and parking would throw away a healthy record, so readers hold it until the registry is put right.
 */
public class RegistryInconsistentException extends SerializationException {

    private final String topic;
    private final int schemaId;
    private final String registryType;
    private final String topicType;

    public RegistryInconsistentException(String topic, int schemaId, String registryType, String topicType) {
        super("Schema registry is inconsistent: topic " + topic + " carries " + topicType + " but the registry now names "
                + registryType + " for schema id " + schemaId + ". The record is held, neither decoded nor parked. "
                + "Restore the registry's storage, or re-register the schemas in their original order.");
        this.topic = topic;
        this.schemaId = schemaId;
        this.registryType = registryType;
        this.topicType = topicType;
    }

    public String topic() {
        return topic;
    }

    public int schemaId() {
        return schemaId;
    }

    /** Full name of the schema the registry now answers for the id. */
    public String registryType() {
        return registryType;
    }

    /** Full name of the topic's value type in the catalogue. */
    public String topicType() {
        return topicType;
    }
}
