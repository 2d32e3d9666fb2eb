package io.imagelib.endpoint.kafka;

import io.imagelib.schemas.registry.SchemaRegistryException;
import io.imagelib.support.kafka.DeadLetterPublisher;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parks records that can never be read (not Avro, unknown schema) on {@code <topic>-dlt}, like every other reader
 * of our topics, and goes on; but stops on a registry outage: skipping a readable fact only because the registry was
 * briefly away would let the election miss a DOWN. The failing stream thread is replaced and retries the record
 * from the last commit. Parking happens outside the Streams transaction, so a task that aborts and replays may park
 * the same record twice: a DLT is at-least-once.
 */
public final class PoisonToDeadLetterHandler implements DeserializationExceptionHandler {

    /** Streams config key carrying the {@link DeadLetterPublisher} instance (Streams passes its originals through). */
    public static final String DEAD_LETTERS_CONFIG = "imagelib.streams.dead-letters";

    private static final Logger log = LoggerFactory.getLogger(PoisonToDeadLetterHandler.class);

    private DeadLetterPublisher deadLetters;

    @Override
    public DeserializationHandlerResponse handle(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                                                 Exception exception) {
        if (registryUnavailable(exception)) {
            log.error("Schema registry unavailable reading {}-{}@{}; stopping the thread to retry: {}",
                    record.topic(), record.partition(), record.offset(), exception.getMessage());
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
        return DeserializationHandlerResponse.CONTINUE;
    }

    private static boolean registryUnavailable(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SchemaRegistryException registry) {
                return registry.httpStatus() == 0 || registry.httpStatus() >= 500;
            }
        }
        return false;
    }

    @Override
    public void configure(Map<String, ?> configs) {
        if (!(configs.get(DEAD_LETTERS_CONFIG) instanceof DeadLetterPublisher publisher)) {
            throw new IllegalStateException(DEAD_LETTERS_CONFIG + " must carry the service's DeadLetterPublisher");
        }
        this.deadLetters = publisher;
    }
}
