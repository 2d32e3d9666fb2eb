package io.imagelib.role.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.imagelib.support.kafka.CompactedTopicReader;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;
import org.springframework.web.ErrorResponseException;

/** A role change Kafka did not take is a retryable 503 problem, whichever way the producer says so. */
class KafkaRoleLogTest {

    @SuppressWarnings("unchecked")
    private final KafkaTemplate<String, Object> kafka = mock(KafkaTemplate.class);
    @SuppressWarnings("unchecked")
    private final KafkaRoleLog roleLog = new KafkaRoleLog(kafka, mock(CompactedTopicReader.class),
            Duration.ofMillis(200), Duration.ofMillis(200));

    @Test
    void valueThatCannotBeEncodedBecauseTheRegistryIsDownIsA503() {
        when(kafka.send(anyString(), anyString(), any())).thenThrow(
                new SerializationException("schema registry http://127.0.0.1:8081 did not answer within 5s"));
        assertUnavailable();
    }

    @Test
    void failedAcknowledgementIsA503() {
        when(kafka.send(anyString(), anyString(), any())).thenReturn(
                CompletableFuture.<SendResult<String, Object>>failedFuture(new TimeoutException("no ack")));
        assertUnavailable();
    }

    @Test
    void acknowledgementThatNeverComesIsA503() {
        when(kafka.send(anyString(), anyString(), any())).thenReturn(new CompletableFuture<>());
        assertUnavailable();
    }

    private void assertUnavailable() {
        assertThatThrownBy(() -> roleLog.write("h1", null))
                .isInstanceOfSatisfying(ErrorResponseException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
                    assertThat(e.getBody().getDetail()).contains("h1").contains("Retry");
                });
    }
}
