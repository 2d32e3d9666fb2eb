package io.imagelib.endpoint.config;

import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;

/** UP while the election runs (a rebalance included); commands cannot be answered otherwise. */
public final class ElectionStreamsHealthIndicator implements HealthIndicator {

    private final StreamsBuilderFactoryBean streams;

    ElectionStreamsHealthIndicator(StreamsBuilderFactoryBean streams) {
        this.streams = streams;
    }

    @Override
    public Health health() {
        KafkaStreams kafkaStreams = streams.getKafkaStreams();
        if (kafkaStreams == null) {
            return Health.down().withDetail("state", "NOT_STARTED").build();
        }
        KafkaStreams.State state = kafkaStreams.state();
        Health.Builder health = state.isRunningOrRebalancing() ? Health.up() : Health.down();
        return health.withDetail("state", state.name()).build();
    }
}
