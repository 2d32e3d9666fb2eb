package io.imagelib.monitor.kafka;

import io.imagelib.avro.HostObservation;
import io.imagelib.avro.ObservationKind;
import io.imagelib.monitor.probe.HostProber;
import io.imagelib.schemas.topics.Topics;
import io.imagelib.support.kafka.ImagelibKafkaProperties;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Passive signal: a router saw a host fail, so probe it now instead of at the next round; or a router saw a host serving
 * (image data flowing from it), evidence that a host whose probes time out is busy, not dead. Every instance reads every
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
        HostObservation observation = record.value();
        if (observation == null) {
            return;
        }
        if (observation.getKind() == ObservationKind.SERVED) {
            prober.served(record.key(), observation.getObservedAt(), Instant.now());
        } else {
            prober.urgent(record.key());
        }
    }
}
