package io.imagelib.router.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReadRoundsTest {

    private final ReadRounds rounds = new ReadRounds(3, Duration.ofMillis(250), Duration.ofSeconds(10));

    @Test
    void aReadPlansAgainUntilItHasGoneThroughItsRounds() {
        assertThat(rounds.anotherRound(1, Duration.ofSeconds(1))).isTrue();
        assertThat(rounds.anotherRound(2, Duration.ofSeconds(1))).isTrue();
        assertThat(rounds.anotherRound(3, Duration.ofSeconds(1))).isFalse();
    }

    @Test
    void noRoundStartsThatTheBudgetCannotHoldWithItsPause() {
        assertThat(rounds.anotherRound(1, Duration.ofMillis(9_750))).isTrue();
        assertThat(rounds.anotherRound(1, Duration.ofMillis(9_751))).isFalse();
        assertThat(rounds.anotherRound(1, Duration.ofSeconds(30))).isFalse();
    }

    @Test
    void oneRoundMeansTheFirstPlanIsTheOnlyOne() {
        assertThat(new ReadRounds(1, Duration.ZERO, Duration.ofSeconds(10)).anotherRound(1, Duration.ZERO)).isFalse();
    }

    @Test
    void nonsenseIsRefusedAtStartUp() {
        assertThatThrownBy(() -> new ReadRounds(0, Duration.ZERO, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReadRounds(2, Duration.ofMillis(-1), Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
