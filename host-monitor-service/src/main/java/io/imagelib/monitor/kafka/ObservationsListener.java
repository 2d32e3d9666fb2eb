package io.imagelib.monitor.kafka;

import io.imagelib.avro.HostObservation;
import io.imagelib.monitor.probe.HostProber;
import io.imagelib.schemas.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Passive signal: a router saw a host fail, so probe it now instead of at the next round. Every instance reads every
 * observation (its own group, latest offsets only: an old observation is no reason to probe); the prober ignores hosts
 * it does not own. Requires a distinct {@code imagelib.kafka.instance-id} per instance.
 */
@Component
class ObservationsListener {

    private final HostProber prober;

    ObservationsListener(HostProber prober) {
        this.prober = prober;
    }

    @KafkaListener(id = "host-observations", topics = Topics.HOST_OBSERVATIONS_NAME,
            groupId = "host-monitor-observations-${imagelib.kafka.instance-id}",
            properties = "auto.offset.reset=latest")
    void onObservation(ConsumerRecord<String, HostObservation> record) {
        if (record.value() != null) {
            prober.urgent(record.key());
        }
    }
}
