package io.imagelib.monitor.kafka;

import io.imagelib.avro.HostObservation;
import io.imagelib.monitor.probe.HostProber;
import io.imagelib.schemas.topics.Topics;
import io.imagelib.support.kafka.ImagelibKafkaProperties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Passive signal: a router saw a host fail, so probe it now instead of at the next round. Every instance reads every
 * observation (its own group, latest offsets only: an old observation is no reason to probe); the prober ignores hosts
 * it does not own. The group is named after {@code imagelib.kafka.instance-id} (default hostname-pid, unique).
 */
@Component
public class ObservationsListener {

    private final HostProber prober;
    private final String groupId;

    ObservationsListener(HostProber prober, ImagelibKafkaProperties kafka) {
        this.prober = prober;
        this.groupId = "host-monitor-observations-" + kafka.instanceId();
    }

    /** Read by the listener annotation: the instance id is computed at startup, not a property placeholder. */
    public String getGroupId() {
        return groupId;
    }

    @KafkaListener(id = "host-observations", topics = Topics.HOST_OBSERVATIONS_NAME, groupId = "#{__listener.groupId}",
            properties = "auto.offset.reset=latest")
    void onObservation(ConsumerRecord<String, HostObservation> record) {
        if (record.value() != null) {
            prober.urgent(record.key());
        }
    }
}
