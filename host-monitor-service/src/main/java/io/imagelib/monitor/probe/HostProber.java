package io.imagelib.monitor.probe;

import io.imagelib.monitor.domain.BusyOrDead;
import io.imagelib.monitor.domain.HostHealthState;
import io.imagelib.monitor.domain.HostStatus;
import io.imagelib.monitor.domain.ProbeResult;
import io.imagelib.monitor.domain.Signal;
import io.imagelib.monitor.domain.Transition;
import io.imagelib.monitor.probe.ProbeMetrics.Trigger;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a changing set of hosts: one periodic task per host on a small shared scheduler (no thread per host), each
 * round an async probe, results folded into the host's {@link HostHealthState}, transitions handed to the sink.
 * Rounds of all hosts are spread over the interval (random phase) so thousands of hosts do not fire at once.
 */
public final class HostProber implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HostProber.class);

    private final HealthProbe probe;
    private final TransitionSink sink;
    private final ProbeSettings settings;
    private final ScheduledExecutorService scheduler;
    private final ProbeMetrics metrics;
    private final Semaphore permits;
    private final Map<String, WatchedHost> hosts = new ConcurrentHashMap<>();
    /** Earliest start of the next newly watched host: admission is paced so a takeover does not open all sockets at once. */
    private final AtomicLong nextAdmissionNanos = new AtomicLong(System.nanoTime());

    public HostProber(HealthProbe probe, TransitionSink sink, ProbeSettings settings,
                      ScheduledExecutorService scheduler, ProbeMetrics metrics) {
        this.probe = probe;
        this.sink = sink;
        this.settings = settings;
        this.scheduler = scheduler;
        this.metrics = metrics;
        this.permits = new Semaphore(settings.maxInFlight());
    }

    /** Starts probing the host, or restarts it from UNKNOWN if its URL or region changed; same target: no-op. */
    public void watch(HostTarget target) {
        hosts.compute(target.hostId(), (id, existing) -> {
            if (existing != null && existing.target.equals(target)) {
                return existing;
            }
            if (existing != null) {
                stop(existing);
            }
            return start(target);
        });
    }

    /** Stops probing (the host moved to another monitor instance); nothing is published. */
    public void unwatch(String hostId) {
        WatchedHost host = hosts.remove(hostId);
        if (host != null) {
            stop(host);
        }
    }

    /** The host lost its role: stop probing and retract its health record. */
    public void remove(String hostId) {
        unwatch(hostId);
        sink.removed(hostId);
    }

    /**
     * A client saw this host fail: probe it now, {@code fall} rounds {@code urgentSpacing} apart, so a real failure is
     * confirmed well before the next scheduled rounds. Observations during a running burst are coalesced into it.
     * Hosts not watched here are ignored (another instance owns them).
     */
    public void urgent(String hostId) {
        WatchedHost host = hosts.get(hostId);
        if (host != null && host.bursting.compareAndSet(false, true)) {
            scheduler.execute(() -> burst(host, settings.hysteresis().fall()));
        }
    }

    /**
     * A router saw this host serving (image data flowing from it) at {@code observedAt} (its clock); the report arrived at
     * {@code receivedAt} (ours). Kept as the host's in-band evidence that it serves, which excuses probe timeouts for
     * {@code servedGrace} ({@link BusyOrDead}). Hosts not watched here are ignored.
     */
    public void served(String hostId, Instant observedAt, Instant receivedAt) {
        WatchedHost host = hosts.get(hostId);
        if (host != null) {
            metrics.served(host.target);
            synchronized (host) {
                host.lastServed = Optional.of(BusyOrDead.latest(host.lastServed, BusyOrDead.servedAt(observedAt, receivedAt),
                        receivedAt));
            }
        }
    }

    /**
     * Hands every watched host's last published state to the sink again, unchanged, so a reader that lost or never
     * got that record (a parked record, a wiped or re-created topic) converges without a transition. Each host under
     * its lock, so a republish never overtakes a newer transition. Hosts with no published state yet are skipped.
     *
     * @return how many states were handed to the sink
     */
    public int republish() {
        int republished = 0;
        for (WatchedHost host : hosts.values()) {
            synchronized (host) {
                if (host.active && host.published != null) {
                    sink.transition(host.target, host.published);
                    republished++;
                }
            }
        }
        return republished;
    }

    public Set<String> watchedHostIds() {
        return Set.copyOf(hosts.keySet());
    }

    public Map<String, HostStatus> statuses() {
        return hosts.values().stream().collect(Collectors.toUnmodifiableMap(h -> h.target.hostId(), WatchedHost::status));
    }

    public Map<HostStatus, Long> countsByStatus() {
        Map<HostStatus, Long> counts = new EnumMap<>(HostStatus.class);
        hosts.values().forEach(h -> counts.merge(h.status(), 1L, Long::sum));
        return counts;
    }

    /** Hosts still UNKNOWN that were watched less than {@code grace} ago: their first status is not published yet. */
    public long settling(Duration grace) {
        long now = System.nanoTime();
        return hosts.values().stream()
                .filter(h -> h.status() == HostStatus.UNKNOWN && now - h.watchedAtNanos < grace.toNanos())
                .count();
    }

    @Override
    public void close() {
        hosts.values().forEach(this::stop);
        hosts.clear();
    }

    private WatchedHost start(HostTarget target) {
        var host = new WatchedHost(target);
        long intervalNanos = settings.interval().toNanos();
        long gapNanos = TimeUnit.SECONDS.toNanos(1) / settings.admissionRate();
        long now = System.nanoTime();
        long admittedAt = nextAdmissionNanos.accumulateAndGet(now, (next, t) -> Math.max(next, t) + gapNanos) - gapNanos;
        long phase = (admittedAt - now) + ThreadLocalRandom.current().nextLong(intervalNanos);
        host.schedule = scheduler.scheduleAtFixedRate(() -> round(host, Trigger.SCHEDULED), phase, intervalNanos,
                TimeUnit.NANOSECONDS);
        return host;
    }

    private void stop(WatchedHost host) {
        host.active = false;
        host.schedule.cancel(false);
        probe.release(host.target);
        metrics.forget(host.target);
    }

    private void burst(WatchedHost host, int remaining) {
        round(host, Trigger.OBSERVATION);
        if (remaining > 1 && host.active) {
            scheduler.schedule(() -> burst(host, remaining - 1), settings.urgentSpacing().toNanos(), TimeUnit.NANOSECONDS);
        } else {
            host.bursting.set(false);
        }
    }

    private void round(WatchedHost host, Trigger trigger) {
        // Never let an exception escape: a periodic task that throws is silently never run again.
        try {
            if (!host.active) {
                return;
            }
            if (host.inFlight.get() >= settings.maxInFlightPerHost()) {
                metrics.skipped("host-limit");
                return;
            }
            if (!permits.tryAcquire()) {
                metrics.skipped("global-limit");
                return;
            }
            host.inFlight.incrementAndGet();
            boolean deep = host.nextRoundIsDeep();
            probe.probe(host.target, deep).whenComplete((result, failure) -> {
                permits.release();
                host.inFlight.decrementAndGet();
                if (result != null) {
                    apply(host, result, trigger);
                } else {
                    log.warn("Probe of host {} region {} failed unexpectedly", host.target.hostId(),
                            host.target.region(), failure);
                }
            });
        } catch (RuntimeException e) {
            log.warn("Probe round of host {} region {} failed to start", host.target.hostId(), host.target.region(), e);
        }
    }

    private void apply(WatchedHost host, ProbeResult result, Trigger trigger) {
        metrics.probed(host.target, result, trigger);
        synchronized (host) {
            if (!host.active) {
                return;
            }
            Signal signal = BusyOrDead.signal(result, host.lastServed, settings.servedGrace());
            if (signal == Signal.BUSY) {
                metrics.excused(host.target, result);
            }
            HostHealthState.Step step = host.state.observe(result, signal, settings.hysteresis());
            host.state = step.next();
            step.transition().ifPresent(transition -> {
                log.info("Host {} region {}: {} -> {} ({})", host.target.hostId(), host.target.region(),
                        transition.from(), transition.to(), transition.reason());
                if (transition.to() == HostStatus.DOWN && result.outcome().inconclusive()) {
                    // How stale the router's evidence was: what served-grace would have needed to excuse this timeout.
                    log.info("Host {} region {}: DOWN on timeouts; last seen serving {}", host.target.hostId(),
                            host.target.region(), host.lastServed.map(at -> Duration.between(at, result.startedAt()).toMillis()
                                    + " ms before the deciding round started").orElse("never"));
                }
                metrics.transitioned(host.target, transition);
                // Inside the lock: transitions of one host reach the sink in the order they were decided.
                sink.transition(host.target, transition);
                host.published = transition;
            });
        }
    }

    /** One watched host; its health state is guarded by the object's monitor. */
    private final class WatchedHost {
        final HostTarget target;
        final long watchedAtNanos = System.nanoTime();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicBoolean bursting = new AtomicBoolean();
        volatile boolean active = true;
        ScheduledFuture<?> schedule;
        private HostHealthState state = HostHealthState.INITIAL;
        /** The last transition handed to the sink: what {@link #republish()} sends again. */
        private Transition published;
        /** When a router last saw this host serving. */
        private Optional<Instant> lastServed = Optional.empty();
        private long rounds;

        WatchedHost(HostTarget target) {
            this.target = target;
        }

        synchronized HostStatus status() {
            return state.status();
        }

        synchronized boolean nextRoundIsDeep() {
            return state.deepDue(rounds++, settings.hysteresis());
        }
    }
}
