package io.imagelib.support.kafka;

import io.imagelib.schemas.serde.DecodeFailure;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.RecordInterceptor;
import org.springframework.kafka.listener.RetryListener;
import org.springframework.kafka.support.KafkaUtils;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.FixedBackOff;

/**
 * The {@link DecodeFailure} split for {@code @KafkaListener}s: the error handler's back-off per failure (forever for
 * an infrastructure fault, seeking back to the record each time; none for undecodable bytes, which go straight to
 * the DLT; the configured few retries for a listener that threw), its retry listener (reports holds to
 * {@link BlockedConsumers}, logs parked records) and the record interceptor that reports the delivery ending a hold.
 * The {@code consumer} of a listener is its group id.
 */
final class ListenerBlockage implements RetryListener, RecordInterceptor<Object, Object> {

    private static final Logger log = LoggerFactory.getLogger(ListenerBlockage.class);
    private static final BackOff NO_RETRIES = new FixedBackOff(0, 0);

    private final BlockedConsumers blocked;
    /**
     * The last failure of the record being retried on this consumer thread. Spring keeps the back-off chosen at a
     * record's first failure while its exception type stays the same (both are DeserializationExceptions), so a held
     * record that turns out undecodable once the registry knows its id must end the hold itself.
     */
    private final ThreadLocal<DecodeFailure> lastFailure = new ThreadLocal<>();

    ListenerBlockage(BlockedConsumers blocked) {
        this.blocked = blocked;
    }

    /** Makes the handler split failures this way; the handler's own back-off stays for listeners that threw. */
    void applyTo(DefaultErrorHandler handler) {
        // Spring parks every DeserializationException at once; an unknown schema id is one, and must be held.
        handler.removeClassification(DeserializationException.class);
        handler.setBackOffFunction((record, failure) -> backOffFor(failure));
        handler.setRetryListeners(this);
    }

    /** @return null for the handler's default back-off */
    BackOff backOffFor(Exception failure) {
        DecodeFailure cause = DecodeFailure.classify(failure);
        if (!cause.isPoison()) {
            return this::untilItGoesThrough;
        }
        return isDeserialization(failure) ? NO_RETRIES : null;
    }

    private BackOffExecution untilItGoesThrough() {
        AtomicInteger attempts = new AtomicInteger();
        return () -> lastFailure.get() == DecodeFailure.POISON ? BackOffExecution.STOP
                : blocked.backoff().delay(attempts.incrementAndGet()).toMillis();
    }

    @Override
    public void failedDelivery(ConsumerRecord<?, ?> record, Exception failure, int deliveryAttempt) {
        DecodeFailure cause = DecodeFailure.classify(failure);
        lastFailure.set(cause);
        if (!cause.isPoison()) {
            blocked.failed(consumer(), record.topic(), record.partition(), record.offset(), cause, failure);
        }
    }

    @Override
    public void recovered(ConsumerRecord<?, ?> record, Exception failure) {
        // A record held for the registry may end up parked: the hold is over either way.
        blocked.delivered(consumer(), record.topic(), record.partition());
        log.warn("Parked {}-{}@{} on {}-dlt", record.topic(), record.partition(), record.offset(), record.topic(), failure);
    }

    @Override
    public ConsumerRecord<Object, Object> intercept(ConsumerRecord<Object, Object> record, Consumer<Object, Object> consumer) {
        return record;
    }

    @Override
    public void success(ConsumerRecord<Object, Object> record, Consumer<Object, Object> consumer) {
        blocked.delivered(consumer(), record.topic(), record.partition());
    }

    private static boolean isDeserialization(Throwable failure) {
        for (Throwable cause = failure; cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause instanceof DeserializationException) {
                return true;
            }
        }
        return false;
    }

    private static String consumer() {
        String groupId = KafkaUtils.getConsumerGroupId();
        return groupId == null ? "listener" : groupId;
    }
}
