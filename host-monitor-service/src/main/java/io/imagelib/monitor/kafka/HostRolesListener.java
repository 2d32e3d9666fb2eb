package io.imagelib.monitor.kafka;

import io.imagelib.avro.HostRole;
import io.imagelib.monitor.probe.HostProber;
import io.imagelib.monitor.probe.HostTarget;
import io.imagelib.schemas.topics.Topics;
import java.net.URI;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.ConsumerSeekAware;
import org.springframework.stereotype.Component;

/**
 * Which hosts this instance watches: the hosts of the host-roles partitions the consumer group assigned to it.
 * An assigned partition is re-read from offset 0 (the topic is compacted state, so no committed offset matters);
 * a revoked one stops its hosts' probing. During a rebalance two instances may probe a host for a moment: harmless,
 * every published record is a full status, not a delta.
 */
@Component
class HostRolesListener implements ConsumerSeekAware {

    private static final Logger log = LoggerFactory.getLogger(HostRolesListener.class);

    private final HostProber prober;
    private final Map<Integer, Set<String>> hostsByPartition = new ConcurrentHashMap<>();

    HostRolesListener(HostProber prober) {
        this.prober = prober;
    }

    @KafkaListener(id = "host-roles", topics = Topics.HOST_ROLES_NAME, groupId = "${imagelib.monitor.roles-group:host-monitor}")
    void onRole(ConsumerRecord<String, HostRole> record) {
        String hostId = record.key();
        Set<String> partitionHosts = hostsByPartition.computeIfAbsent(record.partition(), p -> ConcurrentHashMap.newKeySet());
        HostRole role = record.value();
        if (role == null) {
            partitionHosts.remove(hostId);
            prober.remove(hostId);
        } else {
            partitionHosts.add(hostId);
            prober.watch(new HostTarget(hostId, role.getRegion(), URI.create(role.getPublicUrl())));
        }
    }

    @Override
    public void onPartitionsAssigned(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
        log.info("Assigned host-roles partitions {}: rebuilding their hosts from offset 0", partitions(assignments.keySet()));
        callback.seekToBeginning(assignments.keySet());
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        log.info("Revoked host-roles partitions {}: their hosts move to another monitor", partitions(partitions));
        for (TopicPartition partition : partitions) {
            Set<String> hosts = hostsByPartition.remove(partition.partition());
            if (hosts != null) {
                hosts.forEach(prober::unwatch);
            }
        }
    }

    private static Set<Integer> partitions(Collection<TopicPartition> partitions) {
        return partitions.stream().map(TopicPartition::partition).collect(java.util.stream.Collectors.toSet());
    }
}
