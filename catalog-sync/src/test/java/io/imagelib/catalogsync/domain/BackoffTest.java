package io.imagelib.catalogsync.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10), 2.0);

    @Test
    void doublesFromTheInitialDelay() {
        assertThat(IntStream.rangeClosed(1, 5).mapToObj(backoff::delay).map(Duration::toMillis))
                .containsExactly(200L, 400L, 800L, 1600L, 3200L);
    }

    @Test
    void isCappedAndStaysCappedForever() {
        assertThat(backoff.delay(7)).isEqualTo(Duration.ofSeconds(10));
        assertThat(backoff.delay(10_000)).isEqualTo(Duration.ofSeconds(10));
        assertThat(backoff.delay(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void neverShrinks() {
        for (int attempt = 1; attempt < 100; attempt++) {
            assertThat(backoff.delay(attempt + 1)).isGreaterThanOrEqualTo(backoff.delay(attempt));
        }
    }

    @Test
    void multiplierOneIsAFixedDelay() {
        var fixed = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(1), 1.0);
        assertThat(fixed.delay(1)).isEqualTo(fixed.delay(50)).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(2), 0.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> backoff.delay(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
