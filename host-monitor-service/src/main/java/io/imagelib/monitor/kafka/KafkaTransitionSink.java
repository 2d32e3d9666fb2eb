package io.imagelib.monitor.kafka;

import io.imagelib.avro.HealthStatus;
import io.imagelib.avro.HostHealth;
import io.imagelib.monitor.domain.Transition;
import io.imagelib.monitor.probe.HostTarget;
import io.imagelib.monitor.probe.TransitionSink;
import io.imagelib.schemas.topics.Topics;
import io.imagelib.support.kafka.ImagelibKafkaProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/** Publishes transitions (and tombstones for hosts that lost their role) to imagelib.host-health, keyed by hostId. */
@Component
class KafkaTransitionSink implements TransitionSink {

    private static final Logger log = LoggerFactory.getLogger(KafkaTransitionSink.class);

    private final KafkaTemplate<String, Object> template;
    private final String monitorId;

    KafkaTransitionSink(KafkaTemplate<String, Object> template, ImagelibKafkaProperties kafka) {
        this.template = template;
        this.monitorId = kafka.instanceId();
    }

    @Override
    public void transition(HostTarget host, Transition transition) {
        var record = HostHealth.newBuilder()
                .setRegion(host.region())
                .setHostId(host.hostId())
                .setStatus(HealthStatus.valueOf(transition.to().name()))
                .setSince(transition.since())
                .setObservedAt(transition.decidedBy().finishedAt())
                .setReason(transition.reason())
                .setMonitorId(monitorId)
                .setProbeLatencyMicros(transition.decidedBy().latencyMicros())
                .build();
        send(host.hostId(), record);
    }

    @Override
    public void removed(String hostId) {
        send(hostId, null);
    }

    /** Asynchronous: the prober never waits for the broker; a failed send is logged (the next transition supersedes it). */
    private void send(String hostId, HostHealth value) {
        template.send(Topics.HOST_HEALTH_NAME, hostId, value).whenComplete((result, failure) -> {
            if (failure != null) {
                log.error("Could not publish health of host {} ({}) to {}", hostId,
                        value == null ? "tombstone" : value.getStatus(), Topics.HOST_HEALTH_NAME, failure);
            }
        });
    }
}
