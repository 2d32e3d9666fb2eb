package io.imagelib.systemtests;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.utils.Utils;

/** Where partitions live on a multi-node Kafka: which broker to kill, and when a restarted one has caught up. */
public final class KafkaReplicas implements AutoCloseable {

    private final Admin admin;

    /**
     * The services' client settings for a broker failover (service-support's KafkaFailoverDefaults, out of reach of
     * this Spring-free module): the test's own clients use them too, so what a test measures is not its own backoff.
     */
    static final Map<String, Object> CLIENT_FAILOVER = Map.of(
            CommonClientConfigs.RETRY_BACKOFF_MS_CONFIG, 50,
            CommonClientConfigs.RETRY_BACKOFF_MAX_MS_CONFIG, 100,
            CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, 100,
            CommonClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, 1000,
            CommonClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, 5000);

    public KafkaReplicas(String bootstrapServers) {
        Map<String, Object> config = new HashMap<>(CLIENT_FAILOVER);
        config.putAll(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000));
        this.admin = Admin.create(config);
    }

    /** The node leading the KRaft controller quorum (the active controller). */
    public int quorumLeader() {
        try {
            return admin.describeMetadataQuorum().quorumInfo().get().leaderId();
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot describe the metadata quorum", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    /**
     * Polls (every 20 ms) until the partition a key goes to has a leader other than {@code brokerId}; returns the
     * System.nanoTime it was first seen, empty after {@code timeout}. A describe that fails (the dead broker was asked)
     * counts as "not yet".
     */
    public OptionalLong awaitLeaderOtherThan(String topic, String key, int brokerId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                TopicDescription description = describe(List.of(topic)).get(topic);
                int partition = partitionOf(key, description.partitions().size());
                Node leader = description.partitions().get(partition).leader();
                if (leader != null && !leader.isEmpty() && leader.id() != brokerId) {
                    return OptionalLong.of(System.nanoTime());
                }
            } catch (IllegalStateException notYet) {
                // the request went to the dead broker or timed out; ask again
            }
            GlanceHosts.sleep(Duration.ofMillis(20));
        }
        return OptionalLong.empty();
    }

    /** The partition of {@code partitions} a String key goes to: the producer's default (murmur2) partitioning. */
    public static int partitionOf(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** The broker leading the partition a String key goes to ({@link #partitionOf}). */
    public int leaderFor(String topic, String key) {
        TopicDescription description = describe(List.of(topic)).get(topic);
        int partition = partitionOf(key, description.partitions().size());
        return description.partitions().get(partition).leader().id();
    }

    /** How many partitions of {@code topics} have fewer than {@code replicas} in-sync replicas (or no leader). */
    public long underReplicated(Collection<String> topics, int replicas) {
        return describe(topics).values().stream().flatMap(d -> d.partitions().stream())
                .filter(p -> p.leader() == null || p.leader().isEmpty() || p.isr().size() < replicas)
                .count();
    }

    /** Polls until every partition of {@code topics} has {@code replicas} in-sync replicas; returns how long it took. */
    public Duration awaitInSync(Collection<String> topics, int replicas, Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long lagging;
        while ((lagging = underReplicated(topics, replicas)) > 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(lagging + " partitions of " + topics + " still below " + replicas
                        + " in-sync replicas after " + timeout);
            }
            GlanceHosts.sleep(Duration.ofMillis(200));
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /**
     * The brokers coordinating a Kafka Streams application, for the report of what a killed broker held: its consumer
     * group's coordinator and the coordinators of its transactional ids ({@code <applicationId>-...} under
     * exactly_once_v2). A failover whose coordinator died waits until a survivor has loaded the coordinator's partition.
     */
    public String coordinatorsOf(String applicationId) {
        try {
            int group = admin.describeConsumerGroups(List.of(applicationId)).all().get().get(applicationId).coordinator().id();
            List<String> transactionalIds = admin.listTransactions().all().get().stream().map(TransactionListing::transactionalId)
                    .filter(id -> id.startsWith(applicationId + "-")).toList();
            List<Integer> transactions = admin.describeTransactions(transactionalIds).all().get().values().stream()
                    .map(TransactionDescription::coordinatorId).distinct().sorted().toList();
            return "group coordinator " + group + ", transaction coordinators " + transactions;
        } catch (ExecutionException e) {
            return "coordinators unknown (" + e.getCause() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    /** How many partitions of {@code topics} {@code brokerId} leads: for the report of what a killed broker held. */
    public long partitionsLedBy(Collection<String> topics, int brokerId) {
        return describe(topics).values().stream().flatMap(d -> d.partitions().stream())
                .map(TopicPartitionInfo::leader).filter(l -> l != null && l.id() == brokerId).count();
    }

    /** Records ever written to {@code topics} (sum of end offsets): for dead-letter topics, poison that was parked. */
    public long recordsWritten(Collection<String> topics) {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        describe(topics).values().forEach(d -> d.partitions().forEach(p -> latest.put(new TopicPartition(d.name(), p.partition()),
                OffsetSpec.latest())));
        try {
            return admin.listOffsets(latest).all().get().values().stream().mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot list the offsets of " + topics, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    private Map<String, TopicDescription> describe(Collection<String> topics) {
        try {
            return admin.describeTopics(topics).allTopicNames().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot describe " + topics, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
