package io.imagelib.router.kafka;

import io.imagelib.avro.HostObservation;
import io.imagelib.avro.ObservationKind;
import io.imagelib.router.domain.HostFailures;
import io.imagelib.router.domain.Upstream;
import io.imagelib.schemas.topics.Topics;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Publishes what the proxy saw on imagelib.host-observations: failures, so the monitor probes the host at once, and
 * image data flowing from a host (kind SERVED, {@link ServedReports}), so the monitor reads a timed-out probe of a
 * host that is streaming as busy, not dead.
 */
public final class KafkaHostFailures implements HostFailures {

    private static final Logger log = LoggerFactory.getLogger(KafkaHostFailures.class);
    /**
     * At most one SERVED report per host per this spacing from one router: 4 records/s per busy host. The monitor's
     * {@code served-grace} (500 ms) must exceed it plus the delivery time, or a busy host's timeouts go unexcused.
     */
    static final long SERVED_SPACING_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final KafkaTemplate<String, Object> kafka;
    private final String observer;
    private final ServedReports served = new ServedReports(SERVED_SPACING_NANOS);

    public KafkaHostFailures(KafkaTemplate<String, Object> kafka, String observer) {
        this.kafka = kafka;
        this.observer = observer;
    }

    @Override
    public void observed(Upstream host, Kind kind, String detail) {
        report(host, ObservationKind.valueOf(kind.name()), detail);
    }

    @Override
    public void served(Upstream host) {
        if (served.due(host.hostId(), System.nanoTime())) {
            report(host, ObservationKind.SERVED, null);
        }
    }

    private void report(Upstream host, ObservationKind kind, String detail) {
        HostObservation observation = HostObservation.newBuilder()
                .setHostId(host.hostId())
                .setRegion(host.region())
                .setKind(kind)
                .setObserver(observer)
                .setObservedAt(Instant.now())
                .setDetail(detail)
                .build();
        // Reporting is a hint to the monitor: the request in hand must never wait for Kafka (send blocks on metadata).
        Thread.ofVirtual().name("report-" + host.hostId()).start(() -> {
            try {
                kafka.send(Topics.HOST_OBSERVATIONS_NAME, host.hostId(), observation).get();
            } catch (Exception e) {
                // SERVED reports come several a second per host: one line per lost report would flood a Kafka outage.
                if (kind == ObservationKind.SERVED) {
                    log.debug("Could not report host {} (region {}) serving: {}", host.hostId(), host.region(), e.toString());
                } else {
                    log.warn("Could not report {} of host {} (region {}): {}", kind, host.hostId(), host.region(), e.toString());
                }
            }
        });
    }
}
