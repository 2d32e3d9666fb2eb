package io.imagelib.support.kafka;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Kafka settings every imagelib service shares; broker addresses and client tuning stay under {@code spring.kafka}.
 *
 * @param schemaRegistryUrl Confluent-compatible registry base URL, or {@code mock://scope} for tests
 * @param provisionTopics   create missing catalogue topics at startup and refuse conflicting ones
 * @param instanceId        names this instance in records it publishes (monitorId, observer) and in metrics;
 *                          defaults to {@code <hostname>-<pid>} so two instances on one machine differ
 * @param deadLetterRetries how often a failing record is retried before it goes to {@code <topic>-dlt}
 * @param deadLetterBackoff pause between those retries
 * @param blocked           how a consumer holds a healthy record it cannot read because of the registry (unknown schema
 *                          id, registry down, registry inconsistent): never parked, retried until the fault is gone
 * @param groupSession      how fast a consumer group ends a silent member, for the groups whose hand-over is on the
 *                          failover path (host-monitor's consumers, endpoint-service's Streams)
 */
@ConfigurationProperties("imagelib.kafka")
public record ImagelibKafkaProperties(
        @DefaultValue("http://127.0.0.1:8081/apis/ccompat/v7") String schemaRegistryUrl,
        @DefaultValue("true") boolean provisionTopics,
        String instanceId,
        @DefaultValue("2") int deadLetterRetries,
        @DefaultValue("100ms") Duration deadLetterBackoff,
        @DefaultValue Blocked blocked,
        @DefaultValue GroupSession groupSession) {

    /**
     * @param initialBackoff pause after the first failed attempt, doubling after each further one
     * @param maxBackoff     longest pause between attempts: how late the record is, at worst, once the fault is gone
     * @param logEvery       a blocked consumer logs once when it blocks, then again after each such interval
     */
    public record Blocked(
            @DefaultValue("250ms") Duration initialBackoff,
            @DefaultValue("5s") Duration maxBackoff,
            @DefaultValue("5m") Duration logEvery) {

        public RetryBackoff backoff() {
            return new RetryBackoff(initialBackoff, maxBackoff);
        }
    }

    /**
     * A group member that stops heartbeating (kill -9, a paused VM) keeps its partitions until {@code timeout}; only then
     * does a survivor take them over. Kafka's consumer default is 45 s and its brokers refuse anything under their
     * {@code group.min.session.timeout.ms} (6 s by default; deploy's brokers allow 2 s). Three heartbeats per session:
     * a live member is ended only if its heartbeat thread is silent for the whole timeout.
     *
     * @param timeout the consumer's {@code session.timeout.ms}
     */
    public record GroupSession(@DefaultValue("3s") Duration timeout) {

        public GroupSession {
            if (timeout.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("imagelib.kafka.group-session.timeout must be at least 1s, not " + timeout);
            }
        }

        /** The consumer settings: {@code session.timeout.ms} and a heartbeat a third of it. */
        public Map<String, Object> consumerConfig() {
            int session = Math.toIntExact(timeout.toMillis());
            return Map.of(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, session,
                    ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, session / 3);
        }
    }

    public ImagelibKafkaProperties {
        if (instanceId == null || instanceId.isBlank()) {
            instanceId = hostName() + "-" + ProcessHandle.current().pid();
        }
    }

    // @DefaultValue does not resolve placeholders, so the default is computed here.
    private static String hostName() {
        String fromEnvironment = System.getenv("HOSTNAME");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment;
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }
}
