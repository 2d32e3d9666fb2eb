package io.imagelib.monitor.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.imagelib.monitor.domain.HostStatus;
import io.imagelib.monitor.domain.Hysteresis;
import io.imagelib.monitor.domain.ProbeOutcome;
import io.imagelib.monitor.domain.ProbeResult;
import io.imagelib.monitor.domain.Transition;
import io.imagelib.monitor.probe.ProbeMetrics.Trigger;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The scheduling shell around the state machine, with a scripted probe instead of HTTP. */
class HostProberTest {

    private static final HostTarget H1 = new HostTarget("h1", "SJC", URI.create("http://127.0.0.1:1"));
    private static final HostTarget H2 = new HostTarget("h2", "SJC", URI.create("http://127.0.0.1:2"));

    private final Map<String, ProbeOutcome> answers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> rounds = new ConcurrentHashMap<>();
    private final List<Transition> published = new CopyOnWriteArrayList<>();
    private final List<String> removed = new CopyOnWriteArrayList<>();
    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private final HealthProbe scripted = (target, deep) -> {
        rounds.computeIfAbsent(target.hostId(), h -> new AtomicInteger()).incrementAndGet();
        Instant now = Instant.now();
        return CompletableFuture.completedFuture(
                new ProbeResult(answers.getOrDefault(target.hostId(), ProbeOutcome.OK), now, now, 10, deep));
    };
    private final TransitionSink sink = new TransitionSink() {
        @Override
        public void transition(HostTarget host, Transition transition) {
            published.add(transition);
        }

        @Override
        public void removed(String hostId) {
            removed.add(hostId);
        }
    };

    private HostProber prober(Duration interval) {
        var settings = new ProbeSettings(interval, Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofMillis(100),
                new Hysteresis(2, 2, 1, 4), 100, 2, Duration.ofMillis(20), 1000, "/healthcheck", "/v2/images?limit=1", Map.of(),
                Duration.ofMillis(500));
        return new HostProber(scripted, sink, settings, scheduler, new ProbeMetrics(meters));
    }

    @AfterEach
    void stopScheduler() {
        scheduler.shutdownNow();
    }

    @Test
    void aWatchedHostSettlesThenOnlyTransitionsArePublished() {
        HostProber prober = prober(Duration.ofMillis(20));
        prober.watch(H1);
        await().atMost(Duration.ofSeconds(5)).until(() -> rounds.get("h1") != null && rounds.get("h1").get() >= 6);
        assertThat(published).extracting(Transition::to).containsExactly(HostStatus.UP);

        answers.put("h1", ProbeOutcome.REFUSED);
        await().atMost(Duration.ofSeconds(5)).until(() -> published.size() == 2);
        assertThat(published.getLast().to()).isEqualTo(HostStatus.DOWN);
        assertThat(prober.statuses()).containsEntry("h1", HostStatus.DOWN);
        assertThat(meters.find(ProbeMetrics.TRANSITIONS).tag("host", "h1").tag("to", "DOWN").counter().count()).isEqualTo(1);
    }

    @Test
    void watchingTheSameTargetAgainKeepsItsState() {
        HostProber prober = prober(Duration.ofMillis(20));
        prober.watch(H1);
        await().atMost(Duration.ofSeconds(5)).until(() -> published.size() == 1);
        prober.watch(new HostTarget("h1", "SJC", URI.create("http://127.0.0.1:1")));
        assertThat(prober.statuses()).containsEntry("h1", HostStatus.UP);
    }

    @Test
    void unwatchedHostsAreNoLongerProbedAndRemovedOnesAreRetracted() {
        HostProber prober = prober(Duration.ofMillis(20));
        prober.watch(H1);
        await().atMost(Duration.ofSeconds(5)).until(() -> published.size() == 1);
        prober.unwatch("h1");
        int after = rounds.get("h1").get();
        // h2, probed on the same scheduler, shows ten rounds' time has passed: only then does "no h1 round" mean much.
        prober.watch(H2);
        await().atMost(Duration.ofSeconds(5)).until(() -> rounds.get("h2") != null && rounds.get("h2").get() >= 10);
        prober.unwatch("h2");
        assertThat(rounds.get("h1").get()).isLessThanOrEqualTo(after + 1);
        assertThat(prober.watchedHostIds()).isEmpty();
        assertThat(meters.find(ProbeMetrics.LATENCY).tag("host", "h1").timer()).isNull();
        assertThat(removed).isEmpty();

        prober.watch(H1);
        prober.remove("h1");
        assertThat(removed).containsExactly("h1");
    }

    @Test
    void anObservationProbesAtOnceInABurstOfFallRoundsAndCoalesces() {
        HostProber prober = prober(Duration.ofHours(1));
        prober.watch(H1);
        prober.urgent("h1");
        prober.urgent("h1");
        prober.urgent("h1");
        await().atMost(Duration.ofSeconds(5)).until(() -> prober.statuses().get("h1") == HostStatus.UP);
        assertThat(new ProbeMetrics(meters).probes(Trigger.OBSERVATION)).isEqualTo(2);

        answers.put("h1", ProbeOutcome.REFUSED);
        prober.urgent("h1");
        await().atMost(Duration.ofSeconds(5)).until(() -> prober.statuses().get("h1") == HostStatus.DOWN);
        prober.urgent("unknown-host");
        assertThat(rounds).doesNotContainKey("unknown-host");
    }

    @Test
    void timeoutsOfAHostARouterSeesServingAreExcusedAndCountAgainOnceTheReportsStop() throws InterruptedException {
        HostProber prober = prober(Duration.ofMillis(20));
        prober.watch(H1);
        await().atMost(Duration.ofSeconds(5)).until(() -> published.size() == 1);
        answers.put("h1", ProbeOutcome.TIMEOUT);
        long until = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        while (System.nanoTime() < until) {
            Instant now = Instant.now();
            prober.served("h1", now, now);
            prober.served("not-watched-here", now, now);
            Thread.sleep(20);
        }
        assertThat(published).as("a second of timed-out rounds while served").extracting(Transition::to)
                .containsExactly(HostStatus.UP);
        assertThat(meters.find(ProbeMetrics.EXCUSED).tag("outcome", "timeout").counter().count()).isGreaterThan(10);
        assertThat(meters.find(ProbeMetrics.SERVED).counters()).singleElement()
                .satisfies(c -> assertThat(c.getId().getTag("region")).isEqualTo("SJC"));

        long stopped = System.nanoTime();
        await().atMost(Duration.ofSeconds(5)).until(() -> published.size() == 2);
        assertThat(published.getLast().to()).isEqualTo(HostStatus.DOWN);
        assertThat(published.getLast().reason()).isEqualTo("timeout");
        assertThat(Duration.ofNanos(System.nanoTime() - stopped)).as("the grace (500 ms) and fall rounds after the last report")
                .isGreaterThanOrEqualTo(Duration.ofMillis(400));
    }

    @Test
    void aRepublishSendsEachWatchedHostsLastPublishedStateAgainUnchangedAndSkipsHostsNotDecidedYet() {
        HostProber undecided = prober(Duration.ofHours(1));
        undecided.watch(H1);
        assertThat(undecided.republish()).as("UNKNOWN: nothing published yet, nothing to republish").isZero();
        undecided.close();

        HostProber prober = prober(Duration.ofMillis(20));
        answers.put("h1", ProbeOutcome.REFUSED);
        prober.watch(H1);
        await().atMost(Duration.ofSeconds(5)).until(() -> published.size() == 1);
        Transition down = published.getFirst();

        prober.watch(new HostTarget("h2", "SJC", URI.create("http://127.0.0.1:2")));
        answers.put("h2", ProbeOutcome.TIMEOUT);
        await().atMost(Duration.ofSeconds(5)).until(() -> published.size() == 2);
        Transition h2Down = published.getLast();

        published.clear();
        assertThat(prober.republish()).isEqualTo(2);
        assertThat(published).containsExactlyInAnyOrder(down, h2Down);
        assertThat(meters.find(ProbeMetrics.TRANSITIONS).tag("host", "h1").counter().count())
                .as("a republish is not a transition").isEqualTo(1);

        prober.unwatch("h2");
        published.clear();
        assertThat(prober.republish()).isEqualTo(1);
        assertThat(published).containsExactly(down);
    }
}
