package io.imagelib.support.kafka;

import io.imagelib.schemas.registry.SchemaRegistryException;
import io.imagelib.schemas.serde.DecodeFailure;
import io.imagelib.schemas.serde.RegistryInconsistentException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumers of this service that hold a healthy record they cannot read because of the registry, for readiness,
 * metrics and the log. A consumer (state reader, listener group, Streams application) reports every failed attempt
 * and, where it can tell, the delivery that ends the fault. Metrics: gauge {@code imagelib.kafka.blocked}
 * (topic, consumer) and counter {@code imagelib.kafka.infrastructure.retries} (topic, reason).
 */
public final class BlockedConsumers {

    /** What a blocked consumer is stuck on, as readiness shows it: one per held partition. */
    public record Blockage(String consumer, String topic, int partition, long offset, DecodeFailure cause,
                           String message, Instant since, int attempts) {
    }

    private record Held(String consumer, String topic, int partition) {
        ConsumerTopic consumerTopic() {
            return new ConsumerTopic(consumer, topic);
        }
    }

    private record ConsumerTopic(String consumer, String topic) {
    }

    /** One partition's hold, replaced as a whole on each attempt. */
    private record Entry(Blockage blockage, Instant lastFailure, Duration clearsWhenQuietFor) {
    }

    private static final Logger log = LoggerFactory.getLogger(BlockedConsumers.class);

    private final MeterRegistry meters;
    private final String registryUrl;
    private final RetryBackoff backoff;
    private final Duration logEvery;
    private final InstantSource clock;
    private final Map<Held, Entry> entries = new ConcurrentHashMap<>();
    /** When each consumer last logged about a topic: once when it blocks, then every {@code logEvery}. */
    private final Map<ConsumerTopic, Instant> lastLogged = new ConcurrentHashMap<>();

    public BlockedConsumers(MeterRegistry meters, String registryUrl, RetryBackoff backoff, Duration logEvery,
                            InstantSource clock) {
        this.meters = meters;
        this.registryUrl = registryUrl;
        this.backoff = backoff;
        this.logEvery = logEvery;
        this.clock = clock;
    }

    public String registryUrl() {
        return registryUrl;
    }

    public RetryBackoff backoff() {
        return backoff;
    }

    /**
     * Records a failed attempt to read the record at {@code offset} and returns the pause before the next one.
     * The consumer reports {@link #delivered} once the partition's record goes through.
     */
    public Duration failed(String consumer, String topic, int partition, long offset, DecodeFailure cause, Throwable failure) {
        return record(new Held(consumer, topic, partition), offset, cause, failure, null);
    }

    /**
     * Like {@link #failed}, for a consumer that cannot observe the delivery (a Streams application): it counts as
     * blocked until it has gone {@code quietFor} without a further failure.
     */
    public Duration failedUntilQuiet(String consumer, String topic, int partition, long offset, DecodeFailure cause,
                                     Throwable failure, Duration quietFor) {
        return record(new Held(consumer, topic, partition), offset, cause, failure, quietFor);
    }

    /** The consumer read a record of the partition: whatever held it there is gone. */
    public void delivered(String consumer, String topic, int partition) {
        if (entries.isEmpty()) {
            return; // the hot path: nothing is blocked
        }
        Entry cleared = entries.remove(new Held(consumer, topic, partition));
        if (cleared != null) {
            Blockage b = cleared.blockage();
            log.info("{} reads {} again: {}-{}@{} delivered after {} attempts since {}", consumer, topic, topic,
                    partition, b.offset(), b.attempts(), b.since());
        }
    }

    /** Every partition held now, oldest first. */
    public List<Blockage> current() {
        Instant now = clock.instant();
        entries.values().removeIf(entry -> quietLongEnough(entry, now));
        return entries.values().stream().map(Entry::blockage).sorted(Comparator.comparing(Blockage::since)).toList();
    }

    private boolean isBlocked(ConsumerTopic consumerTopic) {
        Instant now = clock.instant();
        return entries.entrySet().stream().anyMatch(e -> e.getKey().consumerTopic().equals(consumerTopic)
                && !quietLongEnough(e.getValue(), now));
    }

    private static boolean quietLongEnough(Entry entry, Instant now) {
        return entry.clearsWhenQuietFor() != null && !now.isBefore(entry.lastFailure().plus(entry.clearsWhenQuietFor()));
    }

    private Duration record(Held held, long offset, DecodeFailure cause, Throwable failure, Duration quietFor) {
        if (cause.isPoison()) {
            throw new IllegalArgumentException("poison is parked, not retried: " + failure);
        }
        Instant now = clock.instant();
        ConsumerTopic consumerTopic = held.consumerTopic();
        boolean consumerWasReading = !isBlocked(consumerTopic);
        Gauge.builder("imagelib.kafka.blocked", this, self -> self.isBlocked(consumerTopic) ? 1 : 0)
                .description("1 while the consumer holds a healthy record it cannot read because of the registry")
                .tags("topic", held.topic(), "consumer", held.consumer())
                .strongReference(true)
                .register(meters);
        Counter.builder("imagelib.kafka.infrastructure.retries")
                .description("failed attempts to read a healthy record because of the registry")
                .tags("topic", held.topic(), "reason", cause.reason())
                .register(meters)
                .increment();
        Entry entry = entries.compute(held, (k, previous) -> next(previous, held, offset, cause, failure, quietFor, now));
        Instant logged = lastLogged.get(consumerTopic);
        if (consumerWasReading || logged == null || !now.isBefore(logged.plus(logEvery))) {
            lastLogged.put(consumerTopic, now);
            logBlocked(entry.blockage());
        }
        return backoff.delay(entry.blockage().attempts());
    }

    private static Entry next(Entry previous, Held held, long offset, DecodeFailure cause, Throwable failure,
                              Duration quietFor, Instant now) {
        boolean sameHold = previous != null && !quietLongEnough(previous, now)
                && previous.blockage().offset() == offset && previous.blockage().cause() == cause;
        Instant since = sameHold ? previous.blockage().since() : now;
        int attempts = sameHold ? previous.blockage().attempts() + 1 : 1;
        return new Entry(new Blockage(held.consumer(), held.topic(), held.partition(), offset, cause, messageOf(failure),
                since, attempts), now, quietFor);
    }

    private void logBlocked(Blockage b) {
        String what = "{} holds {}-{}@{} (not parked: the record is healthy), {} attempts since {}, retrying every {} "
                + "at most; registry {}: {}";
        Object[] args = {b.consumer(), b.topic(), b.partition(), b.offset(), b.attempts(), b.since(), backoff.max(),
                registryUrl, b.message()};
        if (b.cause() == DecodeFailure.REGISTRY_INCONSISTENT) {
            log.error(what, args);
        } else {
            log.warn(what, args);
        }
    }

    /** The registry's or the deserializer's own words: Spring's and Kafka's wrappers only repeat or hide them. */
    private static String messageOf(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SchemaRegistryException || cause instanceof RegistryInconsistentException) {
                return cause.getMessage();
            }
            if (cause == cause.getCause()) {
                break;
            }
        }
        return String.valueOf(failure.getMessage());
    }
}
