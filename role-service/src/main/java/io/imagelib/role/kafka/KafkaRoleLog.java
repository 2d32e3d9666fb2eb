package io.imagelib.role.kafka;

import io.imagelib.avro.HostRole;
import io.imagelib.role.domain.HostAssignment;
import io.imagelib.role.service.RoleLog;
import io.imagelib.schemas.topics.Topics;
import io.imagelib.support.kafka.CompactedTopicReader;
import io.imagelib.support.web.Problems;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * Writes roles to {@code imagelib.host-roles} (through the writer lease's transactional producer: acks=all,
 * idempotent, fenced when another replica took the lease) and waits until
 * this instance's own reader has applied the record's offset: read-your-writes, so the caller's region lock covers
 * the decision, the write and its visibility.
 */
public final class KafkaRoleLog implements RoleLog {

    private static final Logger log = LoggerFactory.getLogger(KafkaRoleLog.class);

    /** Seconds a client should wait before repeating a change no replica could take; a lease moves in seconds. */
    public static final String RETRY_AFTER_SECONDS = "1";

    private final RolePublisher publisher;
    private final CompactedTopicReader<HostRole> reader;
    private final Duration readBackTimeout;

    public KafkaRoleLog(RolePublisher publisher, CompactedTopicReader<HostRole> reader, Duration readBackTimeout) {
        this.publisher = publisher;
        this.reader = reader;
        this.readBackTimeout = readBackTimeout;
    }

    @Override
    public void write(String hostId, HostAssignment assignmentOrNull) {
        Object value = assignmentOrNull == null ? null : HostRoles.toAvro(assignmentOrNull);
        RecordMetadata sent;
        try {
            sent = publisher.publish(new ProducerRecord<>(Topics.HOST_ROLES_NAME, hostId, value));
        } catch (NotWriterException e) {
            log.warn("Did not publish the role of host {}: {}", hostId, e.getMessage());
            throw notWriter(hostId, e);
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            // KafkaException: thrown by send() itself, e.g. the value could not be encoded because the schema
            // registry did not answer; the record never left, so this is the same retryable outage, not a bug.
            log.warn("Could not publish the role of host {}: {}", hostId, e.toString());
            throw unavailable(hostId, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(hostId, e);
        }
        try {
            if (!reader.awaitApplied(sent.partition(), sent.offset(), readBackTimeout)) {
                // Durable already, so the call succeeds; but the next decision may not see it yet, say so loudly.
                log.warn("Published the role of host {} at {}-{}@{} but did not read it back within {}",
                        hostId, Topics.HOST_ROLES_NAME, sent.partition(), sent.offset(), readBackTimeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static RuntimeException unavailable(String hostId, Exception cause) {
        return retryable(Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "publish-failed", "Kafka did not acknowledge the change",
                "The role change of host " + hostId + " was not acknowledged by Kafka (" + cause.getClass().getSimpleName()
                        + "); it may or may not have been recorded. Retry the same request: repeating it is safe."));
    }

    private static RuntimeException notWriter(String hostId, NotWriterException cause) {
        return retryable(Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "not-writer", "This replica is not the role writer",
                "The role change of host " + hostId + " was not recorded: " + cause.getMessage()
                        + ". Retry the same request in a second; the writer lease moves within seconds."));
    }

    private static ErrorResponseException retryable(ErrorResponseException problem) {
        problem.getHeaders().set("Retry-After", RETRY_AFTER_SECONDS);
        return problem;
    }
}
