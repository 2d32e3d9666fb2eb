package io.imagelib.ilctl.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HumanDurationTest {

    @Test
    void millisecondsBelowOneSecond() {
        assertThat(HumanDuration.of(Duration.ZERO)).isEqualTo("0ms");
        assertThat(HumanDuration.of(Duration.ofMillis(850))).isEqualTo("850ms");
        assertThat(HumanDuration.of(Duration.ofMillis(999))).isEqualTo("999ms");
    }

    @Test
    void tenthsOfASecondBelowTenSecondsAndWholeSecondsWhenThereAreNone() {
        assertThat(HumanDuration.of(Duration.ofMillis(1000))).isEqualTo("1s");
        assertThat(HumanDuration.of(Duration.ofMillis(1449))).isEqualTo("1.4s");
        assertThat(HumanDuration.of(Duration.ofSeconds(8))).isEqualTo("8s");
        assertThat(HumanDuration.of(Duration.ofMillis(9940))).isEqualTo("9.9s");
    }

    @Test
    void wholeSecondsThenMinutesThenHours() {
        assertThat(HumanDuration.of(Duration.ofMillis(47_252))).isEqualTo("47s");
        assertThat(HumanDuration.of(Duration.ofSeconds(30))).isEqualTo("30s");
        assertThat(HumanDuration.of(Duration.ofSeconds(125))).isEqualTo("2m05s");
        assertThat(HumanDuration.of(Duration.ofMinutes(62))).isEqualTo("1h02m");
    }
}
