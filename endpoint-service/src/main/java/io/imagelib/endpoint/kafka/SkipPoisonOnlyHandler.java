package io.imagelib.endpoint.kafka;

import io.imagelib.schemas.registry.SchemaRegistryException;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Skips records that can never be read (not Avro, unknown schema) but stops on a registry outage: skipping a
 * readable fact only because the registry was briefly away would let the election miss a DOWN. The failing
 * stream thread is replaced and retries the record from the last commit.
 */
public final class SkipPoisonOnlyHandler implements DeserializationExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(SkipPoisonOnlyHandler.class);

    @Override
    public DeserializationHandlerResponse handle(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                                                 Exception exception) {
        if (registryUnavailable(exception)) {
            log.error("Schema registry unavailable reading {}-{}@{}; stopping the thread to retry: {}",
                    record.topic(), record.partition(), record.offset(), exception.getMessage());
            return DeserializationHandlerResponse.FAIL;
        }
        log.warn("Skipping undecodable record {}-{}@{} (key {}): {}", record.topic(), record.partition(),
                record.offset(), record.key() == null ? null : new String(record.key()), exception.getMessage());
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
        // nothing to configure
    }
}
