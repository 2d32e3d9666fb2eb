package io.imagelib.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class PercentilesTest {

    @Test
    void nearestRankPicksMeasuredValues() {
        List<Long> oneToHundred = LongStream.rangeClosed(1, 100).boxed().toList();

        var p = Percentiles.ofCounts(oneToHundred);

        assertThat(p).isEqualTo(new Percentiles(100, 50, 95, 99, 100));
    }

    @Test
    void aSmallSampleReportsItsWorstAsP99() {
        var p = Percentiles.ofDurations(List.of(Duration.ofMillis(30), Duration.ofMillis(10), Duration.ofMillis(20)));

        assertThat(p.p50()).isEqualTo(20);
        assertThat(p.p99()).isEqualTo(30);
        assertThat(p.row("x")).isEqualTo("| x | 3 | 20 | 30 | 30 | 30 |");
    }

    @Test
    void anEmptySampleIsAllZeros() {
        assertThat(Percentiles.ofCounts(List.of())).isEqualTo(new Percentiles(0, 0, 0, 0, 0));
    }
}
