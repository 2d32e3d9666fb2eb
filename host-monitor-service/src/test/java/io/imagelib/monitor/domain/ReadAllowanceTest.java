package io.imagelib.monitor.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReadAllowanceTest {

    private static final Duration FLOOR = Duration.ofMillis(400);
    private static final Duration CEILING = Duration.ofSeconds(2);
    private final ReadAllowance allowance = new ReadAllowance(FLOOR, CEILING);

    @Test
    void aHostWithNoAnswersYetOrOnlyFastOnesIsJudgedAtTheConfiguredReadTimeout() {
        assertThat(allowance.nanos()).isEqualTo(FLOOR.toNanos());
        for (int i = 0; i < 20; i++) {
            allowance.answeredIn(millis(3));
        }
        assertThat(allowance.nanos()).isEqualTo(FLOOR.toNanos());
    }

    @Test
    void aBusyHostGetsFourTimesItsSlowestRecentAnswer() {
        allowance.answeredIn(millis(120));
        allowance.answeredIn(millis(300));
        allowance.answeredIn(millis(90));

        assertThat(allowance.nanos()).isEqualTo(millis(1200));
    }

    @Test
    void neverMoreThanTheCeiling() {
        allowance.answeredIn(millis(900));

        assertThat(allowance.nanos()).isEqualTo(CEILING.toNanos());
    }

    @Test
    void aSlowAnswerIsForgottenAfterAWindowOfFastOnes() {
        allowance.answeredIn(millis(300));
        for (int i = 0; i < ReadAllowance.WINDOW - 1; i++) {
            allowance.answeredIn(millis(5));
        }
        assertThat(allowance.nanos()).as("the slow answer is still within the window").isEqualTo(millis(1200));

        allowance.answeredIn(millis(5));

        assertThat(allowance.nanos()).isEqualTo(FLOOR.toNanos());
    }

    @Test
    void aCeilingBelowTheFloorIsRefused() {
        assertThatThrownBy(() -> new ReadAllowance(Duration.ofSeconds(1), Duration.ofMillis(500)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("below the floor");
    }

    private static long millis(long ms) {
        return Duration.ofMillis(ms).toNanos();
    }
}
