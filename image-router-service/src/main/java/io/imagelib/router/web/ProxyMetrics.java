package io.imagelib.router.web;

import io.imagelib.router.domain.ImageOperation;
import io.imagelib.router.domain.InterruptedUpload;
import io.imagelib.router.domain.Upstream;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** Per-upstream-host request, error, byte and latency metrics, plus retries, resumes and refusals. Never secrets. */
final class ProxyMetrics {

    private final MeterRegistry registry;

    ProxyMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** One attempt against a host, timed until its response headers (or its failure); outcome e.g. 2xx, 503, refused. */
    void attempt(Upstream host, ImageOperation operation, String outcome, long startedNanos) {
        Timer.builder("imagelib.router.upstream.requests")
                .description("Requests sent to an upstream Glance host, until response headers")
                .tags("region", host.region(), "host", host.hostId(), "operation", name(operation), "outcome", outcome)
                .publishPercentileHistogram(false)
                .register(registry)
                .record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
    }

    void bytes(Upstream host, String direction, long bytes) {
        if (bytes > 0) {
            registry.counter("imagelib.router.upstream.bytes", "region", host.region(), "host", host.hostId(),
                    "direction", direction).increment(bytes);
        }
    }

    void retry(String region, ImageOperation operation, String reason) {
        registry.counter("imagelib.router.retries", "region", region, "operation", name(operation), "reason", reason).increment();
    }

    /** A read whose every planned host failed plans again from the live set as it is now. */
    void replan(String region, ImageOperation operation) {
        registry.counter("imagelib.router.read.replans", "region", region, "operation", name(operation)).increment();
    }

    void resume(Upstream onto, String outcome) {
        registry.counter("imagelib.router.resumes", "region", onto.region(), "host", onto.hostId(), "outcome", outcome).increment();
    }

    /** A request routed in panic mode (no host of the region UP). */
    void panic(String region, ImageOperation operation) {
        registry.counter("imagelib.router.panic.requests", "region", region, "operation", name(operation)).increment();
    }

    /** What the router did about an upload that broke after sending data ({@code InterruptedUpload}). */
    void interruptedUpload(String region, InterruptedUpload.Action action) {
        registry.counter("imagelib.router.uploads.interrupted", "region", region, "action", action.name().toLowerCase(Locale.ROOT))
                .increment();
    }

    /**
     * A data-plane response whose body went through user space rather than splice(2): {@code reason} tls, chunked or
     * until-close. Zero on plain HTTP Glance hosts, which frame image data with Content-Length.
     */
    void copied(String reason) {
        registry.counter("imagelib.router.dataplane.copied", "reason", reason).increment();
    }

    /** How a data-plane read reached its host: a new connection, a kept one, or a new one after a kept one was stale. */
    void upstreamConnection(String how) {
        registry.counter("imagelib.router.dataplane.upstream.connections", "how", how).increment();
    }

    /** A data-plane connect to a host, timed until it is established. */
    void connected(Upstream host, long startedNanos) {
        registry.timer("imagelib.router.dataplane.upstream.connect", "region", host.region(), "host", host.hostId())
                .record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
    }

    void rejected(String reason) {
        registry.counter("imagelib.router.rejected", "reason", reason).increment();
    }

    static String statusOutcome(int status) {
        return status == 503 ? "503" : (status / 100) + "xx";
    }

    private static String name(ImageOperation operation) {
        return operation.name().toLowerCase(Locale.ROOT);
    }
}
