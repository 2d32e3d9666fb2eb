package io.imagelib.monitor.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** A timeout of a host seen serving is busy, not dead: the table of evidence -> signal, its edges and the clocks. */
class BusyOrDeadTest {

    private static final Instant START = Instant.parse("2026-12-07T06:00:00Z");
    private static final Instant FINISH = START.plusMillis(400);
    private static final Duration GRACE = Duration.ofMillis(500);

    private static ProbeResult round(ProbeOutcome outcome) {
        return new ProbeResult(outcome, START, FINISH, outcome.inconclusive() ? -1 : 400_000, false);
    }

    /** Served moment (ms relative to the round's start, empty = never seen serving) -> signal of a timed-out round. */
    static Stream<Arguments> timeoutTable() {
        return Stream.of(
                Arguments.of(null, Signal.FAILING),        // never seen serving: today's behaviour
                Arguments.of(-60_000L, Signal.FAILING),    // served a minute ago: long stale
                Arguments.of(-501L, Signal.FAILING),       // just outside the grace
                Arguments.of(-500L, Signal.BUSY),          // the grace's edge is inside
                Arguments.of(-1L, Signal.BUSY),
                Arguments.of(0L, Signal.BUSY),             // served as the probe was sent
                Arguments.of(200L, Signal.BUSY),           // served while the probe waited
                Arguments.of(400L, Signal.BUSY),           // at the verdict
                Arguments.of(900L, Signal.BUSY),           // verdict + grace: a report stamped just after, still plausible
                Arguments.of(901L, Signal.FAILING),        // from "the future": only a clock that jumped back does that
                Arguments.of(3_600_000L, Signal.FAILING));
    }

    @ParameterizedTest(name = "{0}: served at start{1} ms -> {2}")
    @MethodSource("timeoutsWithEvidence")
    void aTimeoutIsExcusedOnlyByServingAroundTheRound(ProbeOutcome outcome, Long servedMillis, Signal expected) {
        Optional<Instant> served = Optional.ofNullable(servedMillis).map(START::plusMillis);
        assertThat(BusyOrDead.signal(round(outcome), served, GRACE)).isEqualTo(expected);
    }

    static Stream<Arguments> timeoutsWithEvidence() {
        return Stream.of(ProbeOutcome.TIMEOUT, ProbeOutcome.DEEP_CHECK_TIMEOUT)
                .flatMap(outcome -> timeoutTable().map(row -> Arguments.of(outcome, row.get()[0], row.get()[1])));
    }

    @ParameterizedTest
    @EnumSource(value = ProbeOutcome.class, names = {"TIMEOUT", "DEEP_CHECK_TIMEOUT"}, mode = EnumSource.Mode.EXCLUDE)
    void conclusiveOutcomesAndAnswersKeepTheirOwnSignalWhateverTheRouterSaw(ProbeOutcome outcome) {
        assertThat(outcome.inconclusive()).isFalse();
        for (long servedMillis : new long[] {-500, 0, 200, 400}) {
            assertThat(BusyOrDead.signal(round(outcome), Optional.of(START.plusMillis(servedMillis)), GRACE))
                    .as("%s with a host served at %d ms", outcome, servedMillis).isEqualTo(outcome.signal());
        }
        assertThat(BusyOrDead.signal(round(outcome), Optional.empty(), GRACE)).isEqualTo(outcome.signal());
    }

    @Test
    void aZeroGraceExcusesOnlyServingDuringTheRound() {
        ProbeResult timeout = round(ProbeOutcome.TIMEOUT);
        assertThat(BusyOrDead.signal(timeout, Optional.of(START), Duration.ZERO)).isEqualTo(Signal.BUSY);
        assertThat(BusyOrDead.signal(timeout, Optional.of(FINISH), Duration.ZERO)).isEqualTo(Signal.BUSY);
        assertThat(BusyOrDead.signal(timeout, Optional.of(START.minusMillis(1)), Duration.ZERO)).isEqualTo(Signal.FAILING);
        assertThat(BusyOrDead.signal(timeout, Optional.of(FINISH.plusMillis(1)), Duration.ZERO)).isEqualTo(Signal.FAILING);
    }

    @Test
    void theServedMomentIsTheRoutersClockButNeverLaterThanTheArrivalHere() {
        Instant arrived = START;
        assertThat(BusyOrDead.servedAt(START.minusMillis(30), arrived)).as("router clock in step: its time").isEqualTo(START.minusMillis(30));
        assertThat(BusyOrDead.servedAt(START.plusSeconds(5), arrived)).as("router clock ahead: capped at arrival").isEqualTo(arrived);
        assertThat(BusyOrDead.servedAt(START.minusSeconds(5), arrived)).as("router clock behind: older, the safe side").isEqualTo(START.minusSeconds(5));
        assertThat(BusyOrDead.servedAt(arrived, arrived)).isEqualTo(arrived);
    }

    @Test
    void theLatestServedMomentKeepsTheNewestUnlessItLiesAfterTheArrivalOfTheNextReport() {
        Instant arrival = START.plusSeconds(1);
        assertThat(BusyOrDead.latest(Optional.empty(), START, arrival)).isEqualTo(START);
        assertThat(BusyOrDead.latest(Optional.of(START), START.plusMillis(10), arrival)).as("newer wins").isEqualTo(START.plusMillis(10));
        assertThat(BusyOrDead.latest(Optional.of(START), START.minusMillis(10), arrival))
                .as("an older report of another router arriving late does not replace a newer one").isEqualTo(START);
        assertThat(BusyOrDead.latest(Optional.of(START), START, arrival)).isEqualTo(START);
        assertThat(BusyOrDead.latest(Optional.of(arrival.plusMillis(1)), START, arrival))
                .as("a kept moment after this arrival predates a backwards clock jump: replaced").isEqualTo(START);
    }

    // Scenarios: the state machine fed by this judgement, rounds every 250 ms with the 400 ms read floor, fall = 2.

    private static final Hysteresis DEFAULTS = new Hysteresis(2, 2, 1, 8);
    private static final long INTERVAL = 250;
    private static final long DEADLINE = 400;

    /** Router reports of serving: router time and arrival at the monitor, both ms from START. */
    private record Report(long servedAt, long arrivedAt) {
    }

    /**
     * Every round from {@code firstRound} on times out; rounds are judged in the order they finish, each with the
     * reports that had arrived by then. Returns when the host went DOWN (ms from START), or empty.
     */
    private static Optional<Long> downAt(long rounds, long hangAt, List<Report> reports) {
        HostHealthState state = upAt(-INTERVAL);
        record Round(long start, long finish) {
        }
        List<Round> order = new ArrayList<>();
        for (long k = 0; k < rounds; k++) {
            long start = k * INTERVAL;
            order.add(new Round(start, start >= hangAt ? start + DEADLINE : start + 3));
        }
        order.sort(Comparator.comparingLong(Round::finish));
        Optional<Instant> lastServed = Optional.empty();
        int next = 0;
        for (Round r : order) {
            while (next < reports.size() && reports.get(next).arrivedAt() <= r.finish()) {
                Report report = reports.get(next++);
                Instant arrived = START.plusMillis(report.arrivedAt());
                lastServed = Optional.of(BusyOrDead.latest(lastServed,
                        BusyOrDead.servedAt(START.plusMillis(report.servedAt()), arrived), arrived));
            }
            boolean answered = r.start() < hangAt;
            ProbeResult result = new ProbeResult(answered ? ProbeOutcome.OK : ProbeOutcome.TIMEOUT, START.plusMillis(r.start()),
                    START.plusMillis(r.finish()), answered ? 3000 : -1, false);
            var step = state.observe(result, BusyOrDead.signal(result, lastServed, GRACE), DEFAULTS);
            state = step.next();
            if (state.status() == HostStatus.DOWN) {
                return Optional.of(r.finish());
            }
        }
        return Optional.empty();
    }

    private static HostHealthState upAt(long millis) {
        ProbeResult ok = new ProbeResult(ProbeOutcome.OK, START.plusMillis(millis - 1), START.plusMillis(millis - 1), 3000, false);
        HostHealthState state = HostHealthState.INITIAL;
        state = state.observe(ok, Signal.HEALTHY, DEFAULTS).next();
        return state.observe(ok, Signal.HEALTHY, DEFAULTS).next();
    }

    /** A router reporting every {@code spacing} ms from {@code phase} until {@code until}, each report {@code delay} ms in transit. */
    private static List<Report> reports(long phase, long spacing, long until, long delay) {
        List<Report> out = new ArrayList<>();
        for (long t = phase; t < until; t += spacing) {
            out.add(new Report(t, t + delay));
        }
        return out;
    }

    @Test
    void aBusyHostWhoseEveryProbeTimesOutStaysUpForThirtyMinutesWhileTheRouterReportsItServing() {
        long thirtyMinutes = Duration.ofMinutes(30).toMillis();
        long rounds = thirtyMinutes / INTERVAL;
        for (long delay : new long[] {0, 50, 300, 650}) {
            for (long phase : new long[] {0, 37, 249}) {
                assertThat(downAt(rounds, 0, reports(phase - 250, 250, thirtyMinutes + 1000, delay)))
                        .as("reports every 250 ms from phase %d, %d ms in transit", phase, delay).isEmpty();
            }
        }
    }

    @Test
    void withoutReportsTheSameTimeoutsTakeItDownInFallRoundsAsBefore() {
        assertThat(downAt(100, 0, List.of())).contains(250 + DEADLINE);
        // Reports that stopped long ago excuse nothing.
        assertThat(downAt(100, 0, reports(-60_000, 250, -10_000, 0))).contains(250 + DEADLINE);
    }

    @Test
    void aHostThatHangsWhileServingIsDownWithinTheGraceMoreThanTheHangBoundWithoutReports() {
        // Worst cases: without reports the 2nd timed-out round ends < 2 intervals + deadline after the hang (900 ms);
        // with reports up to the hang, the first round that counts starts after the grace: < 1,400 ms.
        for (long hangAt = 1000; hangAt < 1000 + INTERVAL; hangAt += 50) {
            long without = downAt(100, hangAt, List.of()).orElseThrow();
            assertThat(without - hangAt).as("hang at %d without reports", hangAt).isLessThan(2 * INTERVAL + DEADLINE);
            for (long delay : new long[] {0, 100, 300}) {
                // The router saw it serve right up to the hang; nothing after (a hung host answers nothing).
                long with = downAt(100, hangAt, reports(hangAt - 1000, 250, hangAt + 1, delay)).orElseThrow();
                assertThat(with - hangAt).as("hang at %d, reports %d ms in transit", hangAt, delay)
                        .isGreaterThanOrEqualTo(without - hangAt)
                        .isLessThanOrEqualTo(GRACE.toMillis() + 2 * INTERVAL + DEADLINE);
            }
        }
    }

    @Test
    void reportsStuckInTransitForLongerThanTheGraceNoLongerExcuse() {
        // 700 ms in transit at a 250 ms spacing leaves a window with no report fresh enough: the known limit.
        assertThat(downAt(Duration.ofMinutes(1).toMillis() / INTERVAL, 0, reports(-250, 250, 61_000, 1_000))).isPresent();
    }
}
