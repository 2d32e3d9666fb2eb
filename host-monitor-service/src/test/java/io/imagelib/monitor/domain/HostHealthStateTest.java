package io.imagelib.monitor.domain;

import static io.imagelib.monitor.domain.ProbeOutcome.DEEP_CHECK_FAILED;
import static io.imagelib.monitor.domain.ProbeOutcome.DEEP_CHECK_TIMEOUT;
import static io.imagelib.monitor.domain.ProbeOutcome.DISABLED_BY_FILE;
import static io.imagelib.monitor.domain.ProbeOutcome.HTTP_5XX;
import static io.imagelib.monitor.domain.ProbeOutcome.OK;
import static io.imagelib.monitor.domain.ProbeOutcome.REFUSED;
import static io.imagelib.monitor.domain.ProbeOutcome.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The hysteresis state machine of one host, fed probe results by hand: time only moves when a result says so. */
class HostHealthStateTest {

    private static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");
    private static final Hysteresis RISE2_FALL2 = new Hysteresis(2, 2, 1, 4);

    /** Feeds outcomes one round (250 ms) apart and records every transition. */
    private static final class Host {
        final Hysteresis hysteresis;
        HostHealthState state = HostHealthState.INITIAL;
        final List<Transition> transitions = new ArrayList<>();
        int round;

        Host(Hysteresis hysteresis) {
            this.hysteresis = hysteresis;
        }

        Host probes(ProbeOutcome... outcomes) {
            Arrays.stream(outcomes).forEach(o -> feed(result(o, round, false)));
            return this;
        }

        Host deepProbes(ProbeOutcome... outcomes) {
            Arrays.stream(outcomes).forEach(o -> feed(result(o, round, true)));
            return this;
        }

        /** Rounds that timed out while the host was seen serving: {@link BusyOrDead} judged them BUSY. */
        Host busy(int rounds) {
            for (int i = 0; i < rounds; i++) {
                feed(result(TIMEOUT, round, false), Signal.BUSY);
            }
            return this;
        }

        void feed(ProbeResult result) {
            feed(result, result.outcome().signal());
        }

        void feed(ProbeResult result, Signal signal) {
            var step = state.observe(result, signal, hysteresis);
            state = step.next();
            step.transition().ifPresent(transitions::add);
            round++;
        }

        List<HostStatus> statuses() {
            return transitions.stream().map(Transition::to).toList();
        }
    }

    private static Host host() {
        return new Host(RISE2_FALL2);
    }

    private static Host upHost() {
        Host host = host().probes(OK, OK);
        assertThat(host.state.status()).isEqualTo(HostStatus.UP);
        return host;
    }

    private static ProbeResult result(ProbeOutcome outcome, int round, boolean deep) {
        Instant start = T0.plusMillis(250L * round);
        boolean answered = outcome != REFUSED && outcome != TIMEOUT;
        return new ProbeResult(outcome, start, start.plusMillis(3), answered ? 3000 : -1, deep);
    }

    @Test
    void aNewHostIsUnknownUntilRiseHealthyRounds() {
        Host host = host().probes(OK);
        assertThat(host.state.status()).isEqualTo(HostStatus.UNKNOWN);
        assertThat(host.state.settled()).isFalse();
        assertThat(host.transitions).isEmpty();

        host.probes(OK);
        assertThat(host.statuses()).containsExactly(HostStatus.UP);
        Transition up = host.transitions.getFirst();
        assertThat(up.from()).isEqualTo(HostStatus.UNKNOWN);
        assertThat(up.reason()).isNull();
        assertThat(up.since()).isEqualTo(T0.plusMillis(250 + 3));
        assertThat(host.state.settled()).isTrue();
    }

    @Test
    void aNewHostThatNeverAnswersGoesDownAfterFallRounds() {
        Host host = host().probes(REFUSED);
        assertThat(host.transitions).isEmpty();
        host.probes(REFUSED);
        assertThat(host.transitions).singleElement().satisfies(t -> {
            assertThat(t.from()).isEqualTo(HostStatus.UNKNOWN);
            assertThat(t.to()).isEqualTo(HostStatus.DOWN);
            assertThat(t.reason()).isEqualTo("refused");
        });
    }

    @Test
    void anUpHostGoesDownAfterFallConsecutiveFailuresWithTheLastFailuresReason() {
        Host host = upHost().probes(REFUSED, TIMEOUT);
        assertThat(host.statuses()).containsExactly(HostStatus.UP, HostStatus.DOWN);
        Transition down = host.transitions.getLast();
        assertThat(down.reason()).isEqualTo("timeout");
        assertThat(down.decidedBy().latencyMicros()).isEqualTo(-1);
        assertThat(down.since()).isEqualTo(down.decidedBy().finishedAt());
    }

    @ParameterizedTest
    @EnumSource(value = ProbeOutcome.class, names = {"REFUSED", "TIMEOUT", "HTTP_5XX", "HTTP_UNEXPECTED", "DEEP_CHECK_FAILED", "DEEP_CHECK_TIMEOUT",
            "IO_ERROR"})
    void everyFailureKindTakesAnUpHostDownWithItsReason(ProbeOutcome failure) {
        Host host = upHost().probes(failure, failure);
        assertThat(host.transitions.getLast().to()).isEqualTo(HostStatus.DOWN);
        assertThat(host.transitions.getLast().reason()).isEqualTo(failure.reason());
    }

    @Test
    void aSingleBlipDoesNotFlap() {
        Host host = upHost().probes(TIMEOUT, OK, REFUSED, OK, HTTP_5XX, OK, OK);
        assertThat(host.statuses()).containsExactly(HostStatus.UP);
    }

    @Test
    void aDownHostComesBackAfterRiseHealthyRoundsNotOne() {
        Host host = upHost().probes(REFUSED, REFUSED, OK);
        assertThat(host.state.status()).isEqualTo(HostStatus.DOWN);
        host.probes(REFUSED, OK);
        assertThat(host.state.status()).isEqualTo(HostStatus.DOWN);
        host.probes(OK);
        assertThat(host.statuses()).containsExactly(HostStatus.UP, HostStatus.DOWN, HostStatus.UP);
    }

    @Test
    void disabledByFileDrainsAtOnceByDefault() {
        Host host = upHost().probes(DISABLED_BY_FILE);
        assertThat(host.statuses()).containsExactly(HostStatus.UP, HostStatus.DRAINING);
        assertThat(host.transitions.getLast().reason()).isEqualTo("disabled-by-file");
    }

    @Test
    void drainAfterNNeedsNConsecutiveDisabledRounds() {
        Host host = new Host(new Hysteresis(2, 2, 3, 4)).probes(OK, OK, DISABLED_BY_FILE, DISABLED_BY_FILE, OK,
                DISABLED_BY_FILE, DISABLED_BY_FILE);
        assertThat(host.statuses()).containsExactly(HostStatus.UP);
        host.probes(DISABLED_BY_FILE);
        assertThat(host.statuses()).containsExactly(HostStatus.UP, HostStatus.DRAINING);
    }

    @Test
    void aDrainingHostIsUpAgainAfterRiseOrDownAfterFall() {
        Host back = upHost().probes(DISABLED_BY_FILE, OK);
        assertThat(back.state.status()).isEqualTo(HostStatus.DRAINING);
        back.probes(OK);
        assertThat(back.statuses()).containsExactly(HostStatus.UP, HostStatus.DRAINING, HostStatus.UP);

        Host died = upHost().probes(DISABLED_BY_FILE, REFUSED, REFUSED);
        assertThat(died.statuses()).containsExactly(HostStatus.UP, HostStatus.DRAINING, HostStatus.DOWN);
    }

    @Test
    void aDownHostThatAnswersDisabledIsDrainingNotDown() {
        Host host = upHost().probes(REFUSED, REFUSED, DISABLED_BY_FILE);
        assertThat(host.statuses()).containsExactly(HostStatus.UP, HostStatus.DOWN, HostStatus.DRAINING);
    }

    @Test
    void aNewHostThatIsAlreadyDrainingSettlesAsDraining() {
        Host host = host().probes(DISABLED_BY_FILE);
        assertThat(host.statuses()).containsExactly(HostStatus.DRAINING);
        assertThat(host.transitions.getFirst().from()).isEqualTo(HostStatus.UNKNOWN);
    }

    @Test
    void repeatedFailuresWhileDownPublishNothingMore() {
        Host host = upHost().probes(REFUSED, REFUSED, TIMEOUT, TIMEOUT, HTTP_5XX, REFUSED);
        assertThat(host.statuses()).containsExactly(HostStatus.UP, HostStatus.DOWN);
        assertThat(host.state.reason()).isEqualTo("refused");
    }

    @Test
    void alternatingDrainAndFailureNeverReachesFall() {
        Host host = new Host(new Hysteresis(2, 2, 2, 4)).probes(OK, OK, DISABLED_BY_FILE, REFUSED, DISABLED_BY_FILE,
                REFUSED);
        assertThat(host.statuses()).containsExactly(HostStatus.UP);
    }

    @Test
    void aLateAnswerToAnOlderRoundIsIgnored() {
        Host host = upHost();
        // Round 2 hung; round 3 answered OK first; round 2's timeout then arrives late.
        host.feed(result(OK, 3, false));
        HostHealthState before = host.state;
        host.feed(result(TIMEOUT, 2, false));
        assertThat(host.state).isEqualTo(before);
        host.feed(result(TIMEOUT, 4, false));
        assertThat(host.statuses()).containsExactly(HostStatus.UP);
    }

    @Test
    void overlappingTimeoutsOfAHungHostStillCountInStartOrder() {
        Host host = upHost();
        host.feed(result(TIMEOUT, 2, false));
        host.feed(result(TIMEOUT, 3, false));
        assertThat(host.statuses()).containsExactly(HostStatus.UP, HostStatus.DOWN);
    }

    @Test
    void deepCheckRunsEveryNthRoundWhilePassingAndEveryRoundAfterAFailure() {
        Host host = upHost();
        Hysteresis h = RISE2_FALL2;
        assertThat(host.state.deepDue(0, h)).isTrue();
        assertThat(host.state.deepDue(1, h)).isFalse();
        assertThat(host.state.deepDue(4, h)).isTrue();

        host.deepProbes(DEEP_CHECK_FAILED);
        assertThat(host.state.lastDeepFailed()).isTrue();
        assertThat(host.state.deepDue(5, h)).isTrue();
        host.deepProbes(DEEP_CHECK_FAILED);
        assertThat(host.transitions.getLast().to()).isEqualTo(HostStatus.DOWN);
        assertThat(host.transitions.getLast().reason()).isEqualTo("deep-check-failed");

        host.deepProbes(OK);
        assertThat(host.state.lastDeepFailed()).isFalse();
        assertThat(host.state.deepDue(7, h)).isFalse();
    }

    @Test
    void aShallowRoundDoesNotClearAFailedDeepCheck() {
        Host host = upHost().deepProbes(DEEP_CHECK_FAILED).probes(OK);
        assertThat(host.state.lastDeepFailed()).isTrue();
    }

    @Test
    void aDeepCheckTimeoutIsADeepFailureWithTheSamePublishedReason() {
        Host host = upHost().deepProbes(DEEP_CHECK_TIMEOUT);
        assertThat(host.state.lastDeepFailed()).isTrue();
        host.deepProbes(DEEP_CHECK_TIMEOUT);
        assertThat(host.transitions.getLast().to()).isEqualTo(HostStatus.DOWN);
        assertThat(host.transitions.getLast().reason()).isEqualTo("deep-check-failed");
    }

    @Test
    void busyRoundsNeverTakeAnUpHostDown() {
        Host host = upHost().busy(40);
        assertThat(host.statuses()).containsExactly(HostStatus.UP);
        assertThat(host.state.streakSignal()).isEqualTo(Signal.BUSY);
    }

    @Test
    void aBusyRoundEndsARunOfFailingRounds() {
        Host host = upHost().probes(TIMEOUT).busy(1).probes(TIMEOUT);
        assertThat(host.statuses()).containsExactly(HostStatus.UP);
        host.probes(TIMEOUT);
        assertThat(host.statuses()).containsExactly(HostStatus.UP, HostStatus.DOWN);
        assertThat(host.transitions.getLast().reason()).isEqualTo("timeout");
    }

    @Test
    void busyRoundsNeitherRaiseADownHostNorSettleANewOne() {
        Host down = upHost().probes(REFUSED, REFUSED).busy(10);
        assertThat(down.state.status()).isEqualTo(HostStatus.DOWN);
        // Nor do they count as healthy within a run: rise needs consecutive OK rounds.
        down.probes(OK).busy(1).probes(OK);
        assertThat(down.state.status()).isEqualTo(HostStatus.DOWN);
        down.probes(OK);
        assertThat(down.statuses()).containsExactly(HostStatus.UP, HostStatus.DOWN, HostStatus.UP);

        Host fresh = host().busy(10);
        assertThat(fresh.state.status()).isEqualTo(HostStatus.UNKNOWN);
        assertThat(fresh.transitions).isEmpty();
    }

    @Test
    void aBusyRoundLeavesADrainingHostDraining() {
        Host host = upHost().probes(DISABLED_BY_FILE).busy(5);
        assertThat(host.statuses()).containsExactly(HostStatus.UP, HostStatus.DRAINING);
    }

    @Test
    void aLateBusyAnswerToAnOlderRoundIsIgnoredLikeAnyOther() {
        Host host = upHost().probes(TIMEOUT);
        HostHealthState before = host.state;
        host.feed(result(TIMEOUT, 1, false), Signal.BUSY);
        assertThat(host.state).isEqualTo(before);
        host.probes(TIMEOUT);
        assertThat(host.statuses()).containsExactly(HostStatus.UP, HostStatus.DOWN);
    }

    @Test
    void riseAndFallOfOneActLikeNoHysteresis() {
        Host host = new Host(new Hysteresis(1, 1, 1, 1)).probes(OK, REFUSED, OK, DISABLED_BY_FILE);
        assertThat(host.statuses()).containsExactly(HostStatus.UP, HostStatus.DOWN, HostStatus.UP, HostStatus.DRAINING);
    }

    @Test
    void thresholdsBelowOneAreRejected() {
        assertThatThrownBy(() -> new Hysteresis(0, 2, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Hysteresis(2, 2, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
