package io.imagelib.schemas.registry;

import java.util.List;
import org.apache.avro.Schema;

/**
 * The part of a Confluent-compatible schema registry the serdes need. Method names follow Confluent's
 * {@code SchemaRegistryClient} so a user can swap in theirs.
 */
public interface SchemaRegistry {

    /** Registers the schema under the subject (or finds it registered) and returns its global id. */
    int register(String subject, Schema schema);

    /** The schema with that global id. */
    Schema getSchemaById(int id);

    /**
     * Drops a cached schema, so the next {@link #getSchemaById} asks the registry again: after it named a schema the
     * topic cannot carry, a restored registry must be able to correct the answer without a restart.
     */
    default void forget(int id) {
    }

    /** Whether the schema may be registered as the subject's next version under the subject's compatibility level. */
    boolean testCompatibility(String subject, Schema schema);

    /** Subjects known to the registry. */
    List<String> getAllSubjects();
}
