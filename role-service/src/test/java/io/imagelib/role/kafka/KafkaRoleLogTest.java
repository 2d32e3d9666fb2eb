package io.imagelib.role.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;

import io.imagelib.support.kafka.CompactedTopicReader;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/** A role change Kafka did not take is a retryable 503 problem, whichever way the producer says so. */
class KafkaRoleLogTest {

    @Test
    void valueThatCannotBeEncodedBecauseTheRegistryIsDownIsA503() {
        assertUnavailable(record -> {
            throw new SerializationException("schema registry http://127.0.0.1:8081 did not answer within 5s");
        });
    }

    @Test
    void failedAcknowledgementIsA503() {
        assertUnavailable(record -> {
            throw new ExecutionException(new TimeoutException("no ack"));
        });
    }

    @Test
    void acknowledgementThatNeverComesIsA503() {
        assertUnavailable(record -> {
            throw new java.util.concurrent.TimeoutException("no acknowledgement within 200 ms");
        });
    }

    @Test
    void aReplicaThatIsNotTheWriterAnswers503WithRetryAfter() {
        ErrorResponseException refused = assertUnavailable(record -> {
            throw new NotWriterException("the broker fenced this replica's producer: another replica is the writer");
        });
        assertThat(refused.getBody().getType().toString()).endsWith("/not-writer");
        assertThat(refused.getBody().getDetail()).contains("fenced");
    }

    @SuppressWarnings("unchecked")
    private static ErrorResponseException assertUnavailable(RolePublisher publisher) {
        var roleLog = new KafkaRoleLog(publisher, mock(CompactedTopicReader.class), Duration.ofMillis(200));
        var thrown = new ErrorResponseException[1];
        assertThatThrownBy(() -> roleLog.write("h1", null))
                .isInstanceOfSatisfying(ErrorResponseException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
                    assertThat(e.getBody().getDetail()).contains("h1").contains("Retry");
                    assertThat(e.getHeaders().getFirst("Retry-After")).isEqualTo("1");
                    thrown[0] = e;
                });
        return thrown[0];
    }
}
