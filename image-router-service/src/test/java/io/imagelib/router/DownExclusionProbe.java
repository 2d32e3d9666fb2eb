package io.imagelib.router;

import io.imagelib.avro.HealthStatus;
import io.imagelib.avro.HostHealth;
import io.imagelib.router.domain.LiveHosts;
import io.imagelib.schemas.registry.SchemaRegistry;
import io.imagelib.schemas.serde.ConfluentAvroSerializer;
import io.imagelib.schemas.topics.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Measures how long a DOWN record on imagelib.host-health takes to remove a host from the router's choice: from
 * just before the producer's send to the moment the live snapshot no longer lists the host as UP. The host is set
 * UP again between samples. Shared by ImageRouterIT and the benchmark.
 */
public final class DownExclusionProbe {

    private final String bootstrapServers;
    private final SchemaRegistry registry;
    private final LiveHosts live;

    public DownExclusionProbe(String bootstrapServers, SchemaRegistry registry, LiveHosts live) {
        this.bootstrapServers = bootstrapServers;
        this.registry = registry;
        this.live = live;
    }

    /** Sorted latencies in microseconds, warm-up samples dropped. */
    public List<Long> measure(String region, String hostId, int warmUp, int samples) throws Exception {
        List<Long> micros = new ArrayList<>();
        try (var producer = new KafkaProducer<String, HostHealth>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.LINGER_MS_CONFIG, 0, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ConfluentAvroSerializer<>(registry))) {
            for (int i = 0; i < warmUp + samples; i++) {
                producer.send(record(region, hostId, HealthStatus.UP)).get();
                waitUntil(() -> choosable(region, hostId));
                ProducerRecord<String, HostHealth> down = record(region, hostId, HealthStatus.DOWN);
                long sent = System.nanoTime();
                producer.send(down);
                // Parked, not spinning: on a 2-core machine a busy spin would starve the broker and the reader.
                waitUntil(() -> !choosable(region, hostId));
                if (i >= warmUp) {
                    micros.add(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - sent));
                }
            }
            producer.send(record(region, hostId, HealthStatus.UP)).get();
        }
        return micros.stream().sorted().toList();
    }

    public static long percentile(List<Long> sorted, double p) {
        return sorted.get(Math.max(0, (int) Math.ceil(sorted.size() * p / 100.0) - 1));
    }

    private boolean choosable(String region, String hostId) {
        return live.snapshot().healthy(region).stream().anyMatch(r -> r.hostId().equals(hostId));
    }

    private static void waitUntil(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("host state did not change within 10 s");
            }
            LockSupport.parkNanos(100_000);
        }
    }

    private static ProducerRecord<String, HostHealth> record(String region, String hostId, HealthStatus status) {
        Instant now = Instant.now();
        return new ProducerRecord<>(Topics.HOST_HEALTH_NAME, hostId, HostHealth.newBuilder().setRegion(region)
                .setHostId(hostId).setStatus(status).setSince(now).setObservedAt(now).setMonitorId("probe").build());
    }
}
