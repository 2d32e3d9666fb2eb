package io.imagelib.router.web;

import io.imagelib.router.config.RouterProperties;
import io.imagelib.router.domain.HostFailures;
import io.imagelib.router.domain.LiveHosts;
import io.imagelib.router.domain.ProxyTarget;
import io.imagelib.router.domain.Quarantine;
import io.imagelib.router.domain.ReadRounds;
import io.imagelib.router.domain.Registration;
import io.imagelib.router.domain.RetryPolicy.Failure;
import io.imagelib.router.domain.Route;
import io.imagelib.router.domain.RoutePlanner;
import io.imagelib.router.domain.Upstream;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * What every request path (the servlet proxy and the data plane) does around one attempt on one host: which hosts to
 * try ({@link RoutePlanner} over the live snapshot and the quarantine), what a failed attempt does to the host
 * (quarantine, a host observation for the monitor, metrics), and whether a read may plan again ({@link ReadRounds}).
 * One instance is shared, so both paths rotate over the same round-robin turn and see each other's quarantine.
 */
public final class HostAttempts {

    private final LiveHosts hosts;
    private final Quarantine quarantine;
    private final HostFailures failures;
    private final ReadRounds readRounds;
    private final ProxyMetrics metrics;
    private final Function<Registration, URI> writeUrl;
    private final AtomicLong turns = new AtomicLong();

    public HostAttempts(LiveHosts hosts, Quarantine quarantine, HostFailures failures, RouterProperties properties,
                        MeterRegistry registry) {
        this.hosts = hosts;
        this.quarantine = quarantine;
        this.failures = failures;
        this.readRounds = properties.readRounds();
        this.metrics = new ProxyMetrics(registry);
        this.writeUrl = properties.writeUrl() == RouterProperties.WriteUrl.ADMIN ? Registration::adminUrl : Registration::publicUrl;
    }

    ProxyMetrics metrics() {
        return metrics;
    }

    ReadRounds readRounds() {
        return readRounds;
    }

    Route plan(ProxyTarget target) {
        long now = System.currentTimeMillis();
        return RoutePlanner.plan(hosts.snapshot(), target.region(), target.operation(), turns.getAndIncrement(),
                hostId -> quarantine.contains(hostId, now), hostId -> quarantine.refused(hostId, now), writeUrl);
    }

    /** A read whose planned hosts all failed plans again ({@link ReadRounds}); other requests have one plan. */
    boolean mayPlanAgain(ProxyTarget target, int roundsDone, long beganNanos) {
        return target.operation().isRead() && readRounds.anotherRound(roundsDone, Duration.ofNanos(System.nanoTime() - beganNanos));
    }

    /** The attempt on {@code host} failed without an answer: quarantine it and tell the monitor; returns {@code failure}. */
    Failure failed(Upstream host, ProxyTarget target, HostFailures.Kind kind, long started, Failure failure) {
        metrics.attempt(host, target.operation(), kind.name().toLowerCase(), started);
        if (failure == Failure.REFUSED) {
            quarantine.addRefused(host.hostId(), System.currentTimeMillis());
        } else {
            quarantine.add(host.hostId(), System.currentTimeMillis());
        }
        failures.observed(host, kind, kind + " on " + target.operation());
        return failure;
    }

    /** Image data flowed from {@code host}: the monitor excuses its probe timeouts while it is busy serving. */
    void served(Upstream host) {
        failures.served(host);
    }

    /** The host answered with a status that counts as its failure ({@code RetryPolicy.hostFailed}). */
    void answeredAsFailure(Upstream host, ProxyTarget target, int status, long started) {
        metrics.attempt(host, target.operation(), ProxyMetrics.statusOutcome(status), started);
        failures.observed(host, HostFailures.Kind.HTTP_5XX, status + " on " + target.operation());
        quarantine.add(host.hostId(), System.currentTimeMillis());
    }
}
