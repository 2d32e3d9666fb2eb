package io.imagelib.support.kafka;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * DOWN while a consumer holds a healthy record it cannot read because of the registry: the service's view stops at
 * that record, so it must not take traffic on it. The details name the topic, the consumer, the reason and the
 * registry. Registered as {@code kafkaConsumers}; put it in the readiness group.
 */
public final class BlockedConsumersHealthIndicator implements HealthIndicator {

    private final BlockedConsumers blocked;

    public BlockedConsumersHealthIndicator(BlockedConsumers blocked) {
        this.blocked = blocked;
    }

    @Override
    public Health health() {
        List<BlockedConsumers.Blockage> now = blocked.current();
        if (now.isEmpty()) {
            return Health.up().build();
        }
        return Health.down().withDetail("blocked", now.stream().map(this::details).toList()).build();
    }

    private Map<String, Object> details(BlockedConsumers.Blockage b) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("topic", b.topic());
        details.put("partition", b.partition());
        details.put("offset", b.offset());
        details.put("consumer", b.consumer());
        details.put("reason", b.cause().reason());
        details.put("registry", blocked.registryUrl());
        details.put("since", b.since().toString());
        details.put("attempts", b.attempts());
        details.put("message", b.message());
        return details;
    }
}
