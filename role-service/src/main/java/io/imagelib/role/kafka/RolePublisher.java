package io.imagelib.role.kafka;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/** Publishes one role record durably (acknowledged and committed) or throws; {@link WriterLease} in production. */
@FunctionalInterface
public interface RolePublisher {

    /** @throws NotWriterException when this replica may not write */
    RecordMetadata publish(ProducerRecord<String, Object> record)
            throws ExecutionException, TimeoutException, InterruptedException;
}
