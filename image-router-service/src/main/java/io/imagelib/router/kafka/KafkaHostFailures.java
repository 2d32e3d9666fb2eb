package io.imagelib.router.kafka;

import io.imagelib.avro.HostObservation;
import io.imagelib.avro.ObservationKind;
import io.imagelib.router.domain.HostFailures;
import io.imagelib.router.domain.Upstream;
import io.imagelib.schemas.topics.Topics;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/** Publishes what the proxy saw on imagelib.host-observations, so the monitor probes the host at once. */
public final class KafkaHostFailures implements HostFailures {

    private static final Logger log = LoggerFactory.getLogger(KafkaHostFailures.class);

    private final KafkaTemplate<String, Object> kafka;
    private final String observer;

    public KafkaHostFailures(KafkaTemplate<String, Object> kafka, String observer) {
        this.kafka = kafka;
        this.observer = observer;
    }

    @Override
    public void observed(Upstream host, Kind kind, String detail) {
        HostObservation observation = HostObservation.newBuilder()
                .setHostId(host.hostId())
                .setRegion(host.region())
                .setKind(ObservationKind.valueOf(kind.name()))
                .setObserver(observer)
                .setObservedAt(Instant.now())
                .setDetail(detail)
                .build();
        // Reporting is a hint to the monitor: the request in hand must never wait for Kafka (send blocks on metadata).
        Thread.ofVirtual().name("report-" + host.hostId()).start(() -> {
            try {
                kafka.send(Topics.HOST_OBSERVATIONS_NAME, host.hostId(), observation).get();
            } catch (Exception e) {
                log.warn("Could not report {} of host {} (region {}): {}", kind, host.hostId(), host.region(), e.toString());
            }
        });
    }
}
