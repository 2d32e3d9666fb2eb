package io.imagelib.schemas.topics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the catalogue's topics (and their dead-letter topics) when missing and refuses to start when an existing
 * topic disagrees with the catalogue: a compacted state topic turned into delete, or a keyed topic with another
 * partition count, would silently lose or misroute state. A dead-letter topic may have any partition count (records
 * are parked by key). Replication is capped to the cluster size so one catalogue serves a one-broker laptop and a
 * three-broker production cluster. Partition counts are never changed here: docs/decisions/partition-sizing.md.
 */
public final class TopicProvisioner {

    private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);
    private static final long TIMEOUT_SECONDS = 30;
    /** How long a topic created a moment ago may stay unknown: at start-up under load it took over 5 s once. */
    private static final long METADATA_SETTLE_NANOS = TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    private static final String RECREATE_TOPICS = "To fix the partition counts: topics made before the catalogue was"
            + " right-sized (12 partitions per hostId topic, 6 per region topic) must be recreated. On a local stack:"
            + " `./ilctl down && rm -rf .imagelib/kafka .imagelib/registry/data .imagelib/state`, then `./ilctl up`;"
            + " elsewhere see docs/decisions/partition-sizing.md";

    private final Admin admin;

    public TopicProvisioner(Admin admin) {
        this.admin = admin;
    }

    /**
     * A topic as it must exist on this cluster.
     *
     * @param keyed whether its partition count is part of the contract (records are read and routed by partition); an
     *              existing topic that is not keyed may have another count
     */
    public record Wanted(String name, int partitions, boolean keyed, short replicationFactor, Map<String, String> configs) {
    }

    /** Ensures every catalogue topic and its DLT exist as specified; returns the names it created. */
    public List<String> provision(Collection<? extends TopicSpec<?, ?>> specs) {
        int brokers = call(admin.describeCluster().nodes()).size();
        List<Wanted> wanted = new ArrayList<>();
        for (TopicSpec<?, ?> spec : specs) {
            short rf = (short) Math.min(spec.replicationFactor(), brokers);
            int minIsr = Math.min(spec.minInsyncReplicas(), rf);
            wanted.add(new Wanted(spec.name(), spec.partitions(), true, rf, spec.configs(minIsr)));
            wanted.add(new Wanted(spec.deadLetterTopic(), TopicSpec.DLT_PARTITIONS, false, rf,
                    Map.of("cleanup.policy", CleanupPolicy.DELETE.configValue(), "min.insync.replicas", Integer.toString(minIsr))));
        }
        return ensure(wanted);
    }

    /** Ensures a lease topic exists with its one partition; returns its name if it was created. */
    public List<String> provision(LeaseTopic lease) {
        int brokers = call(admin.describeCluster().nodes()).size();
        short rf = (short) Math.min(lease.replicationFactor(), brokers);
        int minIsr = Math.min(lease.minInsyncReplicas(), rf);
        return ensure(List.of(new Wanted(lease.name(), LeaseTopic.PARTITIONS, true, rf, Map.of(
                "cleanup.policy", CleanupPolicy.DELETE.configValue(), "min.insync.replicas", Integer.toString(minIsr)))));
    }

    List<String> ensure(List<Wanted> wanted) {
        var existing = call(admin.listTopics().names());
        List<NewTopic> missing = wanted.stream()
                .filter(w -> !existing.contains(w.name()))
                .map(w -> new NewTopic(w.name(), w.partitions(), w.replicationFactor()).configs(w.configs()))
                .toList();
        List<String> created = new ArrayList<>();
        if (!missing.isEmpty()) {
            admin.createTopics(missing).values().forEach((name, future) -> {
                try {
                    future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    created.add(name);
                    log.info("Created topic {}", name);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) { // another instance won the race: checked below
                        throw new IllegalStateException("Cannot create topic " + name + ": " + e.getCause().getMessage(), e);
                    }
                } catch (InterruptedException | TimeoutException e) {
                    throw failure("creating topic " + name, e);
                }
            });
        }
        verifyOnceMetadataSettles(wanted);
        return created;
    }

    /** A topic created a moment ago may not be described yet by every broker: retry that case only, briefly. */
    private void verifyOnceMetadataSettles(List<Wanted> wanted) {
        long deadline = System.nanoTime() + METADATA_SETTLE_NANOS;
        while (true) {
            try {
                verify(wanted);
                return;
            } catch (IllegalStateException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException interrupted) {
                    throw failure("waiting for topic metadata", interrupted);
                }
            }
        }
    }

    private void verify(List<Wanted> wanted) {
        List<String> names = wanted.stream().map(Wanted::name).toList();
        Map<String, TopicDescription> descriptions = call(admin.describeTopics(names).allTopicNames());
        Map<ConfigResource, Config> configs = call(admin.describeConfigs(names.stream()
                .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList()).all());
        Map<String, Config> configsByName = new HashMap<>();
        configs.forEach((resource, config) -> configsByName.put(resource.name(), config));

        List<String> conflicts = new ArrayList<>();
        boolean recreate = false;
        for (Wanted w : wanted) {
            TopicDescription d = descriptions.get(w.name());
            int partitions = d.partitions().size();
            if (partitions != w.partitions() && w.keyed()) {
                conflicts.add(w.name() + ": has " + partitions + " partitions, the catalogue says " + w.partitions()
                        + " (keys would move partition, so no service changes a topic's count)");
                recreate = true;
            } else if (partitions != w.partitions()) {
                log.info("Topic {} keeps its {} partitions (a new one gets {}): its records are not read by partition",
                        w.name(), partitions, w.partitions());
            }
            int replicas = d.partitions().get(0).replicas().size();
            if (replicas < w.replicationFactor()) {
                conflicts.add(w.name() + ": replication factor " + replicas + ", the catalogue needs "
                        + w.replicationFactor() + " on this cluster (reassign partitions to add replicas)");
            }
            String policy = configsByName.get(w.name()).get("cleanup.policy").value();
            String wantedPolicy = w.configs().get("cleanup.policy");
            if (!policy.equals(wantedPolicy)) {
                conflicts.add(w.name() + ": cleanup.policy=" + policy + ", the catalogue says " + wantedPolicy
                        + " (alter the topic config: kafka-configs --alter --add-config cleanup.policy=" + wantedPolicy + ")");
            }
        }
        if (!conflicts.isEmpty()) {
            // The fix for the partition counts is said once, after every topic it applies to.
            throw new TopicConflictException(conflicts, recreate ? RECREATE_TOPICS : "");
        }
    }

    private static <T> T call(org.apache.kafka.common.KafkaFuture<T> future) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka admin call failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw failure("talking to Kafka", e);
        }
    }

    private static IllegalStateException failure(String what, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return new IllegalStateException("Timed out or interrupted " + what + " after " + TIMEOUT_SECONDS + " s", e);
    }
}
