package io.imagelib.schemas.topics;

/**
 * A topic that carries no records and exists only so a consumer group can hand out its partitions as leases: the
 * member assigned partition 0 holds the lease. It has no value type and no dead-letter topic (nothing to poison).
 *
 * @param name              topic name, always prefixed {@code imagelib.}
 * @param holder            which service's instances compete for the lease, for docs and tools
 * @param replicationFactor production replication factor; a smaller cluster caps it (see {@link TopicProvisioner})
 * @param minInsyncReplicas production min.insync.replicas, capped the same way
 */
public record LeaseTopic(String name, String holder, short replicationFactor, int minInsyncReplicas) {

    /** One partition, one lease: two partitions would make two holders. */
    public static final int PARTITIONS = 1;

    public LeaseTopic {
        if (!name.startsWith(TopicSpec.PREFIX)) {
            throw new IllegalArgumentException("topic " + name + " must start with " + TopicSpec.PREFIX);
        }
    }
}
