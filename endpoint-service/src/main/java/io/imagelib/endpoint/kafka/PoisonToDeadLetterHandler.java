package io.imagelib.endpoint.kafka;

import io.imagelib.schemas.serde.DecodeFailure;
import io.imagelib.support.kafka.BlockedConsumers;
import io.imagelib.support.kafka.DeadLetterPublisher;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parks records that can never be read (undecodable bytes, see {@link DecodeFailure}) on {@code <topic>-dlt}, like
 * every other reader of our topics, and goes on; but holds a healthy record the registry keeps us from reading
 * (unknown schema id, registry down, registry inconsistent): skipping it would let the election miss a DOWN, parking
 * it would lose it. It reports the hold to {@link BlockedConsumers} (readiness DOWN, metrics, throttled log), waits
 * the backoff, and stops the stream thread, which is replaced and retries the record from the last commit, until the
 * registry can answer. Parking happens outside the Streams transaction, so a task that aborts and replays may park
 * the same record twice: a DLT is at-least-once.
 */
public final class PoisonToDeadLetterHandler implements DeserializationExceptionHandler {

    /** Streams config key carrying the {@link DeadLetterPublisher} instance (Streams passes its originals through). */
    public static final String DEAD_LETTERS_CONFIG = "imagelib.streams.dead-letters";
    /** Streams config key carrying the service's {@link BlockedConsumers}. */
    public static final String BLOCKED_CONSUMERS_CONFIG = "imagelib.streams.blocked-consumers";
    /**
     * A Streams application cannot tell when the held record went through (no callback on success), so it counts
     * as blocked until this many longest backoffs pass without another failure: longer than a failed attempt's
     * cycle (backoff, thread replacement, rebalance, fetch).
     */
    static final int QUIET_BACKOFFS = 6;

    private static final Logger log = LoggerFactory.getLogger(PoisonToDeadLetterHandler.class);

    private DeadLetterPublisher deadLetters;
    private BlockedConsumers blocked;
    private String applicationId;

    @Override
    public DeserializationHandlerResponse handle(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                                                 Exception exception) {
        DecodeFailure cause = DecodeFailure.classify(exception);
        if (!cause.isPoison()) {
            Duration pause = blocked.failedUntilQuiet(applicationId, record.topic(), record.partition(), record.offset(),
                    cause, exception, blocked.backoff().max().multipliedBy(QUIET_BACKOFFS));
            sleep(pause); // the replacement thread retries at once: this is the backoff
            return DeserializationHandlerResponse.FAIL;
        }
        try {
            deadLetters.publish(record.topic() + "-dlt", record, exception);
        } catch (RuntimeException parkingFailed) {
            log.error("Cannot park undecodable record {}-{}@{}; stopping the thread to retry: {}", record.topic(),
                    record.partition(), record.offset(), parkingFailed.getMessage());
            return DeserializationHandlerResponse.FAIL;
        }
        log.warn("Parked undecodable record {}-{}@{} on {}-dlt: {}", record.topic(), record.partition(),
                record.offset(), record.topic(), exception.getMessage());
        // It may have been held for the registry first: judged now, the partition reads on.
        blocked.delivered(applicationId, record.topic(), record.partition());
        return DeserializationHandlerResponse.CONTINUE;
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void configure(Map<String, ?> configs) {
        if (!(configs.get(DEAD_LETTERS_CONFIG) instanceof DeadLetterPublisher publisher)) {
            throw new IllegalStateException(DEAD_LETTERS_CONFIG + " must carry the service's DeadLetterPublisher");
        }
        if (!(configs.get(BLOCKED_CONSUMERS_CONFIG) instanceof BlockedConsumers blockedConsumers)) {
            throw new IllegalStateException(BLOCKED_CONSUMERS_CONFIG + " must carry the service's BlockedConsumers");
        }
        this.deadLetters = publisher;
        this.blocked = blockedConsumers;
        this.applicationId = String.valueOf(configs.get(StreamsConfig.APPLICATION_ID_CONFIG));
    }
}
