package io.imagelib.schemas.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * Registry for tests: same ids for the same schema across subjects (like Confluent), BACKWARD compatibility
 * checked against every version of a subject (BACKWARD_TRANSITIVE). Scopes named by {@code mock://scope} URLs are
 * shared inside one JVM so serializers and deserializers configured from properties meet.
 */
public final class InMemorySchemaRegistry implements SchemaRegistry {

    public static final String URL_SCHEME = "mock://";
    private static final Map<String, InMemorySchemaRegistry> SCOPES = new ConcurrentHashMap<>();

    private final Map<Schema, Integer> idsBySchema = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<String, List<Schema>> versionsBySubject = new ConcurrentHashMap<>();

    /** The registry shared by everyone in this JVM who names {@code mock://scope}. */
    public static InMemorySchemaRegistry scope(String url) {
        return SCOPES.computeIfAbsent(url, u -> new InMemorySchemaRegistry());
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        List<Schema> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
        if (!versions.contains(schema)) {
            if (!testCompatibility(subject, schema)) {
                throw new SchemaRegistryException(
                        "Schema being registered is incompatible with an earlier schema for subject \"" + subject + "\"", 409);
            }
            versions.add(schema);
        }
        return idsBySchema.computeIfAbsent(schema, s -> {
            int id = idsBySchema.size() + 1;
            schemasById.put(id, s);
            return id;
        });
    }

    @Override
    public Schema getSchemaById(int id) {
        Schema schema = schemasById.get(id);
        if (schema == null) {
            throw new SchemaNotFoundException("Schema " + id + " not found", SchemaNotFoundException.SCHEMA_NOT_FOUND);
        }
        return schema;
    }

    @Override
    public synchronized boolean testCompatibility(String subject, Schema schema) {
        return versionsBySubject.getOrDefault(subject, List.of()).stream()
                .allMatch(old -> SchemaCompatibility.checkReaderWriterCompatibility(schema, old).getType()
                        == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
    }

    @Override
    public List<String> getAllSubjects() {
        return versionsBySubject.keySet().stream().sorted().toList();
    }
}
