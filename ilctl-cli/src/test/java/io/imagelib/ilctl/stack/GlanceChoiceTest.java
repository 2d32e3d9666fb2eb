package io.imagelib.ilctl.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GlanceChoiceTest {

    private static final List<String> NOTHING_MISSING = List.of();
    private static final List<String> NO_GLANCE = List.of("glance-api", "python3-psycopg2");
    private static final Optional<StackConfig.GlanceMode> NOTHING_RUNS = Optional.empty();
    private static final Optional<StackConfig.GlanceMode> RUNS_REAL = Optional.of(StackConfig.GlanceMode.real);
    private static final Optional<StackConfig.GlanceMode> RUNS_SIMULATED = Optional.of(StackConfig.GlanceMode.simulated);

    @Test
    void realGlanceIsTheDefaultWhereItIsInstalled() {
        GlanceChoice choice = GlanceChoice.of(false, false, NOTHING_RUNS, NOTHING_MISSING);

        assertThat(choice.mode()).isEqualTo(StackConfig.GlanceMode.real);
        assertThat(choice.notice()).isEmpty();
    }

    @Test
    void withoutGlanceTheHostsAreSimulatedAndOneLineSaysWhatIsMissingAndHowToGetRealOnes() {
        GlanceChoice choice = GlanceChoice.of(false, false, NOTHING_RUNS, NO_GLANCE);

        assertThat(choice.mode()).isEqualTo(StackConfig.GlanceMode.simulated);
        assertThat(choice.notice()).hasValueSatisfying(line -> {
            assertThat(line).contains("SIMULATED", "glance-api, python3-psycopg2 not installed", "./ilctl up --install-glance");
            assertThat(line.lines()).hasSize(1);
        });
    }

    @Test
    void simulatedIsForcedEvenWhereGlanceIsInstalledWithoutANotice() {
        GlanceChoice choice = GlanceChoice.of(true, false, RUNS_REAL, NOTHING_MISSING);

        assertThat(choice.mode()).isEqualTo(StackConfig.GlanceMode.simulated);
        assertThat(choice.notice()).isEmpty();
    }

    @Test
    void requiredRealGlanceNeverFallsBack() {
        assertThat(GlanceChoice.of(false, true, RUNS_SIMULATED, NOTHING_MISSING).mode()).isEqualTo(StackConfig.GlanceMode.real);
        assertThatThrownBy(() -> GlanceChoice.of(false, true, NOTHING_RUNS, List.of("postgresql")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--real-glance needs postgresql")
                .hasMessageContaining("--install-glance");
    }

    @Test
    void withoutAFlagUpKeepsTheKindOfTheRunningStackSoRepeatingUpIsSafe() {
        GlanceChoice simulated = GlanceChoice.of(false, false, RUNS_SIMULATED, NOTHING_MISSING);
        assertThat(simulated.mode()).isEqualTo(StackConfig.GlanceMode.simulated);
        assertThat(simulated.notice()).hasValueSatisfying(line -> assertThat(line).contains("SIMULATED", "running stack"));

        GlanceChoice real = GlanceChoice.of(false, false, RUNS_REAL, NOTHING_MISSING);
        assertThat(real.mode()).isEqualTo(StackConfig.GlanceMode.real);
        assertThat(real.notice()).isEmpty();
    }
}
