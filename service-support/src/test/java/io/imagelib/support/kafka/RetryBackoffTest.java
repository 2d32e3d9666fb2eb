package io.imagelib.support.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RetryBackoffTest {

    private final RetryBackoff backoff = new RetryBackoff(Duration.ofMillis(250), Duration.ofSeconds(5));

    @Test
    void doublesFromTheInitialPauseUpToTheCapAndStaysThere() {
        assertThat(IntStream.rangeClosed(1, 8).mapToObj(backoff::delay).map(Duration::toMillis))
                .containsExactly(250L, 500L, 1000L, 2000L, 4000L, 5000L, 5000L, 5000L);
    }

    @Test
    void aConsumerHeldForDaysStillWaitsTheCap() {
        assertThat(backoff.delay(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(5));
        assertThat(backoff.delay(63)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void refusesACapBelowTheInitialPause() {
        assertThatThrownBy(() -> new RetryBackoff(Duration.ofSeconds(5), Duration.ofSeconds(1)))
                .hasMessageContaining("0 < initial <= max");
    }
}
