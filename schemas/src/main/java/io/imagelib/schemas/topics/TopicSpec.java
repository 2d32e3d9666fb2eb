package io.imagelib.schemas.topics;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * One entry of the topic catalogue: everything producers, consumers and the provisioner need to agree on.
 *
 * @param name              topic name, always prefixed {@code imagelib.}
 * @param keyType           record key type; keys are plain UTF-8 strings (hostId or region) so Kafka UI shows them as text
 * @param valueType         Avro value type, written in the Confluent wire format
 * @param keyMeaning        what the key is, for docs and tools ("hostId", "region")
 * @param cleanupPolicy     compact for state topics, delete for events and commands
 * @param partitions        partition count; keyed state must never be re-partitioned, so a mismatch is a conflict
 * @param replicationFactor production replication factor; a smaller cluster caps it (see {@link TopicProvisioner})
 * @param minInsyncReplicas production min.insync.replicas, capped the same way
 */
public record TopicSpec<K, V extends SpecificRecord>(
        String name,
        Class<K> keyType,
        Class<V> valueType,
        String keyMeaning,
        CleanupPolicy cleanupPolicy,
        int partitions,
        short replicationFactor,
        int minInsyncReplicas) {

    public static final String PREFIX = "imagelib.";
    public static final String DLT_SUFFIX = "-dlt";
    /**
     * Partitions of a new dead-letter topic. Poison records are rare and nobody consumes a DLT by partition: they are
     * parked by key (the original partition travels in a header) and an existing DLT keeps whatever count it has.
     */
    public static final int DLT_PARTITIONS = 1;

    public TopicSpec {
        if (!name.startsWith(PREFIX)) {
            throw new IllegalArgumentException("topic " + name + " must start with " + PREFIX);
        }
        if (partitions < 1 || replicationFactor < 1 || minInsyncReplicas < 1 || minInsyncReplicas > replicationFactor) {
            throw new IllegalArgumentException("topic " + name + " has impossible sizing");
        }
    }

    /** Topic that poison records of this topic go to ({@link #DLT_PARTITIONS}; records land by key, not by source partition). */
    public String deadLetterTopic() {
        return name + DLT_SUFFIX;
    }

    /** Registry subject of the value schema under the TopicNameStrategy. */
    public String valueSubject() {
        return name + "-value";
    }

    public boolean compacted() {
        return cleanupPolicy == CleanupPolicy.COMPACT;
    }

    /** Topic-level configs the provisioner sets and checks. */
    public Map<String, String> configs(int effectiveMinInsync) {
        return Map.of(
                "cleanup.policy", cleanupPolicy.configValue(),
                "min.insync.replicas", Integer.toString(effectiveMinInsync));
    }
}
