package io.imagelib.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TestNetworkLaneTest {

    @Test
    void aMissingLaneIsLaneZeroAndADigitIsItsLane() {
        assertThat(TestNetwork.lane(null)).isZero();
        assertThat(TestNetwork.lane(" ")).isZero();
        assertThat(TestNetwork.lane("7")).isEqualTo(7);
    }

    @Test
    void anythingButOneDigitIsRefusedWithTheRule() {
        assertThatThrownBy(() -> TestNetwork.lane("12")).hasMessageContaining("single digit 0..9");
        assertThatThrownBy(() -> TestNetwork.lane("x")).hasMessageContaining("'x'");
    }
}
