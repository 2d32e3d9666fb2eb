package io.imagelib.endpoint.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Every election decision is counted: admin changes by region and reason, commands by region and outcome. */
public final class ElectionMetrics {

    private final MeterRegistry registry;
    private final Map<String, AtomicLong> epochs = new ConcurrentHashMap<>();

    public ElectionMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void adminChanged(String region, String reason) {
        Counter.builder("imagelib.endpoint.admin.changes").description("Admin endpoint changes published")
                .tag("region", region).tag("reason", reason).register(registry).increment();
    }

    void commandDecided(String region, String outcome) {
        Counter.builder("imagelib.endpoint.commands").description("Endpoint commands answered")
                .tag("region", region).tag("outcome", outcome).register(registry).increment();
    }

    /** The newest admin epoch published for the region, as subscribers see it. */
    public void epochSeen(String region, long epoch) {
        epochs.computeIfAbsent(region, r -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("imagelib.endpoint.admin.epoch", value, AtomicLong::get)
                    .description("Current admin epoch of the region").tag("region", r).register(registry);
            return value;
        }).accumulateAndGet(epoch, Math::max);
    }
}
