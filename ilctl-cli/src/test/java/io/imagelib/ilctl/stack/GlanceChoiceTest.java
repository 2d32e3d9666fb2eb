package io.imagelib.ilctl.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class GlanceChoiceTest {

    private static final List<String> NOTHING_MISSING = List.of();
    private static final List<String> NO_GLANCE = List.of("glance-api", "python3-psycopg2");

    @Test
    void realGlanceIsTheDefaultWhereItIsInstalled() {
        GlanceChoice choice = GlanceChoice.of(false, false, NOTHING_MISSING);

        assertThat(choice.mode()).isEqualTo(StackConfig.GlanceMode.real);
        assertThat(choice.notice()).isEmpty();
    }

    @Test
    void withoutGlanceTheHostsAreSimulatedAndOneLineSaysWhatIsMissingAndHowToGetRealOnes() {
        GlanceChoice choice = GlanceChoice.of(false, false, NO_GLANCE);

        assertThat(choice.mode()).isEqualTo(StackConfig.GlanceMode.simulated);
        assertThat(choice.notice()).hasValueSatisfying(line -> {
            assertThat(line).contains("SIMULATED", "glance-api, python3-psycopg2 not installed", "./ilctl up --install-glance");
            assertThat(line.lines()).hasSize(1);
        });
    }

    @Test
    void simulatedIsForcedEvenWhereGlanceIsInstalledWithoutANotice() {
        GlanceChoice choice = GlanceChoice.of(true, false, NOTHING_MISSING);

        assertThat(choice.mode()).isEqualTo(StackConfig.GlanceMode.simulated);
        assertThat(choice.notice()).isEmpty();
    }

    @Test
    void requiredRealGlanceNeverFallsBack() {
        assertThat(GlanceChoice.of(false, true, NOTHING_MISSING).mode()).isEqualTo(StackConfig.GlanceMode.real);
        assertThatThrownBy(() -> GlanceChoice.of(false, true, List.of("postgresql")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--real-glance needs postgresql")
                .hasMessageContaining("--install-glance");
    }
}
