package io.imagelib.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imagelib.systemtests.FaultSchedule.Action;
import io.imagelib.systemtests.FaultSchedule.Bounds;
import io.imagelib.systemtests.FaultSchedule.Step;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class FaultScheduleTest {

    static final List<String> HOSTS = List.of("glance-1", "glance-2", "glance-3");
    static final Bounds BOUNDS = new Bounds(Duration.ofSeconds(75), 16, Duration.ofSeconds(2), Duration.ofSeconds(7),
            Duration.ofSeconds(25));

    @Test
    void theSameSeedGivesTheSameScheduleAndAnotherSeedAnother() {
        assertThat(FaultSchedule.generate(42, HOSTS, BOUNDS)).isEqualTo(FaultSchedule.generate(42, HOSTS, BOUNDS));
        assertThat(FaultSchedule.generate(42, HOSTS, BOUNDS)).isNotEqualTo(FaultSchedule.generate(43, HOSTS, BOUNDS));
    }

    @Test
    void everyScheduleStaysWithinItsTimeAndStepBoundsInTimeOrder() {
        LongStream.range(0, 500).forEach(seed -> {
            List<Step> steps = FaultSchedule.generate(seed, HOSTS, BOUNDS);
            assertThat(steps).as("seed %d", seed).hasSizeLessThanOrEqualTo(16).isNotEmpty();
            assertThat(steps).allMatch(s -> !s.at().isNegative() && s.at().compareTo(BOUNDS.duration()) <= 0);
            for (int i = 1; i < steps.size(); i++) {
                assertThat(steps.get(i).at()).as("seed %d step %d", seed, i).isGreaterThanOrEqualTo(steps.get(i - 1).at().plus(BOUNDS.minGap()));
            }
        });
    }

    @Test
    void everyStepLeavesAHostServingWithTheRole() {
        LongStream.range(0, 2000).forEach(seed -> assertThat(FaultSchedule.keepsAServingHostWithRole(HOSTS,
                FaultSchedule.generate(seed, HOSTS, BOUNDS), BOUNDS.restoreTime())).as("seed %d", seed).isTrue());
    }

    @Test
    void thePromiseCheckCatchesAScheduleThatTakesEveryHostDown() {
        List<Step> allDown = List.of(new Step(Duration.ofSeconds(1), Action.KILL, "glance-1"),
                new Step(Duration.ofSeconds(2), Action.HANG, "glance-2"), new Step(Duration.ofSeconds(3), Action.DRAIN, "glance-3"));
        List<Step> roleless = List.of(new Step(Duration.ofSeconds(1), Action.KILL, "glance-1"),
                new Step(Duration.ofSeconds(2), Action.REMOVE_ROLE, "glance-2"), new Step(Duration.ofSeconds(3), Action.REMOVE_ROLE, "glance-3"));
        List<Step> restoring = List.of(new Step(Duration.ofSeconds(1), Action.KILL, "glance-1"),
                new Step(Duration.ofSeconds(2), Action.KILL, "glance-2"), new Step(Duration.ofSeconds(3), Action.RESTORE, "glance-1"),
                new Step(Duration.ofSeconds(5), Action.KILL, "glance-3"));

        assertThat(FaultSchedule.keepsAServingHostWithRole(HOSTS, allDown, BOUNDS.restoreTime())).isFalse();
        assertThat(FaultSchedule.keepsAServingHostWithRole(HOSTS, roleless, BOUNDS.restoreTime())).isFalse();
        assertThat(FaultSchedule.keepsAServingHostWithRole(HOSTS, restoring, BOUNDS.restoreTime())).isFalse();
    }

    @Test
    void faultsOnlyHitServingHostsAndRestoresOnlyFaultedOnes() {
        LongStream.range(0, 500).forEach(seed -> {
            Set<String> faulted = new java.util.HashSet<>();
            Set<String> roleless = new java.util.HashSet<>();
            for (Step step : FaultSchedule.generate(seed, HOSTS, BOUNDS)) {
                switch (step.action()) {
                    case KILL, HANG, DRAIN -> assertThat(faulted.add(step.host())).as("seed %d %s", seed, step).isTrue();
                    case RESTORE -> assertThat(faulted.remove(step.host())).as("seed %d %s", seed, step).isTrue();
                    case REMOVE_ROLE -> assertThat(roleless.add(step.host())).as("seed %d %s", seed, step).isTrue();
                    case ASSIGN_ROLE -> {
                        assertThat(faulted).as("seed %d %s: only a serving host is assigned", seed, step).doesNotContain(step.host());
                        assertThat(roleless.remove(step.host())).as("seed %d %s", seed, step).isTrue();
                    }
                    case SET_ADMIN -> assertThat(roleless).as("seed %d %s", seed, step).doesNotContain(step.host());
                }
            }
        });
    }

    @Test
    void acrossSeedsEveryKindOfStepIsPlayed() {
        Set<Action> seen = EnumSet.noneOf(Action.class);
        LongStream.range(0, 50).forEach(seed -> FaultSchedule.generate(seed, HOSTS, BOUNDS).forEach(s -> seen.add(s.action())));

        assertThat(seen).containsExactlyInAnyOrder(Action.values());
    }

    @Test
    void zeroStepsOrAShortWindowBoundTheSchedule() {
        assertThat(FaultSchedule.generate(1, HOSTS, new Bounds(Duration.ofSeconds(75), 0, Duration.ofSeconds(2),
                Duration.ofSeconds(7), Duration.ofSeconds(25)))).isEmpty();
        assertThat(FaultSchedule.generate(1, HOSTS, new Bounds(Duration.ofSeconds(1), 16, Duration.ofSeconds(2),
                Duration.ofSeconds(7), Duration.ofSeconds(25)))).isEmpty();
    }

    @Test
    void inconsistentBoundsAreRefused() {
        assertThatThrownBy(() -> new Bounds(Duration.ofSeconds(75), 16, Duration.ofSeconds(7), Duration.ofSeconds(2), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
