package io.imagelib.support.kafka;

import java.time.Duration;
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
 */
@ConfigurationProperties("imagelib.kafka")
public record ImagelibKafkaProperties(
        @DefaultValue("http://127.0.0.1:8081/apis/ccompat/v7") String schemaRegistryUrl,
        @DefaultValue("true") boolean provisionTopics,
        String instanceId,
        @DefaultValue("2") int deadLetterRetries,
        @DefaultValue("100ms") Duration deadLetterBackoff,
        @DefaultValue Blocked blocked) {

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
