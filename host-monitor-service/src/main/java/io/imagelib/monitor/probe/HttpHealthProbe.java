package io.imagelib.monitor.probe;

import io.imagelib.monitor.domain.ProbeOutcome;
import io.imagelib.monitor.domain.ProbeResult;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Glance's two checks over the JDK's async HttpClient: no thread waits for an answer, so thousands of hosts cost
 * sockets, not threads. Shallow {@code GET /healthcheck}: 200 is healthy, 503 "DISABLED BY FILE" is the drain switch.
 * Deep {@code GET /v2/images?limit=1} (only when the shallow check passed): proves the API and its database answer.
 */
public final class HttpHealthProbe implements HealthProbe {

    static final String DISABLED_BY_FILE = "DISABLED BY FILE";

    private final HttpClient client;
    private final ProbeSettings settings;
    private final Clock clock;

    public HttpHealthProbe(HttpClient client, ProbeSettings settings, Clock clock) {
        this.client = client;
        this.settings = settings;
        this.clock = clock;
    }

    /** The client the probe is meant for: HTTP/1.1 keep-alive (one pooled connection per host), no redirects. */
    public static HttpClient client(ProbeSettings settings) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public CompletableFuture<ProbeResult> probe(HostTarget target, boolean deep) {
        Instant startedAt = clock.instant();
        long t0 = System.nanoTime();
        var shallow = HttpRequest.newBuilder(target.resolve(settings.healthcheckPath()))
                .timeout(settings.readTimeout()).GET().build();
        return client.sendAsync(shallow, BodyHandlers.ofString())
                .thenCompose(response -> {
                    ProbeOutcome outcome = classifyShallow(response.statusCode(), response.body());
                    if (outcome != ProbeOutcome.OK || !deep) {
                        return CompletableFuture.completedFuture(outcome);
                    }
                    return deepCheck(target);
                })
                .handle((outcome, failure) -> {
                    ProbeOutcome decided = failure == null ? outcome : ProbeFailures.classify(failure);
                    long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - t0);
                    boolean answered = decided != ProbeOutcome.REFUSED && decided != ProbeOutcome.TIMEOUT
                            && decided != ProbeOutcome.IO_ERROR;
                    return new ProbeResult(decided, startedAt, clock.instant(), answered ? micros : -1, deep);
                });
    }

    private CompletableFuture<ProbeOutcome> deepCheck(HostTarget target) {
        var builder = HttpRequest.newBuilder(target.resolve(settings.deepCheckPath()))
                .timeout(settings.deepTimeout()).GET();
        settings.deepCheckHeaders().forEach(builder::header);
        return client.sendAsync(builder.build(), BodyHandlers.discarding())
                .handle((response, failure) -> {
                    if (failure != null) {
                        return ProbeFailures.classify(failure) == ProbeOutcome.TIMEOUT
                                ? ProbeOutcome.DEEP_CHECK_TIMEOUT : ProbeOutcome.DEEP_CHECK_FAILED;
                    }
                    return response.statusCode() / 100 == 2 ? ProbeOutcome.OK : ProbeOutcome.DEEP_CHECK_FAILED;
                });
    }

    static ProbeOutcome classifyShallow(int status, String body) {
        if (status == 200) {
            return ProbeOutcome.OK;
        }
        if (status == 503 && body != null && body.contains(DISABLED_BY_FILE)) {
            return ProbeOutcome.DISABLED_BY_FILE;
        }
        return status / 100 == 5 ? ProbeOutcome.HTTP_5XX : ProbeOutcome.HTTP_UNEXPECTED;
    }
}
