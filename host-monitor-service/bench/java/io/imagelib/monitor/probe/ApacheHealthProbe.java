package io.imagelib.monitor.probe;

import io.imagelib.monitor.domain.ProbeOutcome;
import io.imagelib.monitor.domain.ProbeResult;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;

/**
 * Bench only: Glance's two checks through Apache HttpClient 5 (classic API, pooled kept-alive connections, one
 * virtual thread per round: the socket probe's threading), so that the CPU per probe of the client itself is what
 * differs. Select with {@code -Dbench.probe=apache}; see docs/decisions/raw-socket-http-clients.md.
 */
public final class ApacheHealthProbe implements HealthProbe {

    private record Answer(int status, String body) {
    }

    private final ProbeSettings settings;
    private final Clock clock;
    private final CloseableHttpClient client;

    public ApacheHealthProbe(ProbeSettings settings, Clock clock, int hosts) {
        this.settings = settings;
        this.clock = clock;
        this.client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnPerRoute(settings.maxInFlightPerHost())
                        .setMaxConnTotal(hosts * settings.maxInFlightPerHost())
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.of(settings.connectTimeout())).build())
                        .build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .build();
    }

    @Override
    public CompletableFuture<ProbeResult> probe(HostTarget target, boolean deep) {
        var result = new CompletableFuture<ProbeResult>();
        Thread.startVirtualThread(() -> result.complete(round(target, deep)));
        return result;
    }

    private ProbeResult round(HostTarget target, boolean deep) {
        Instant startedAt = clock.instant();
        long t0 = System.nanoTime();
        ProbeOutcome outcome = outcome(target, deep);
        long micros = EnumSet.of(ProbeOutcome.REFUSED, ProbeOutcome.TIMEOUT, ProbeOutcome.IO_ERROR).contains(outcome)
                ? -1 : TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - t0);
        return new ProbeResult(outcome, startedAt, clock.instant(), micros, deep);
    }

    /** HttpClient 5 reports a refused connect as a ConnectException and a response timeout as an InterruptedIOException. */
    private ProbeOutcome outcome(HostTarget target, boolean deep) {
        try {
            Answer shallow = get(target.resolve(settings.healthcheckPath()), Map.of(), settings.readTimeout());
            ProbeOutcome outcome = HttpHealthProbe.classifyShallow(shallow.status(), shallow.body());
            if (outcome != ProbeOutcome.OK || !deep) {
                return outcome;
            }
            Answer images = get(target.resolve(settings.deepCheckPath()), settings.deepCheckHeaders(), settings.deepTimeout());
            return images.status() / 100 == 2 ? ProbeOutcome.OK : ProbeOutcome.DEEP_CHECK_FAILED;
        } catch (ConnectException refused) {
            return ProbeOutcome.REFUSED;
        } catch (InterruptedIOException timedOut) {
            return ProbeOutcome.TIMEOUT;
        } catch (IOException | RuntimeException failed) {
            return ProbeOutcome.IO_ERROR;
        }
    }

    private Answer get(URI uri, Map<String, String> headers, Duration timeout) throws IOException {
        HttpGet get = new HttpGet(uri);
        headers.forEach(get::addHeader);
        get.setConfig(RequestConfig.custom().setResponseTimeout(Timeout.of(timeout))
                .setConnectionRequestTimeout(Timeout.of(timeout)).build());
        return client.execute(get, response -> new Answer(response.getCode(),
                response.getEntity() == null ? "" : EntityUtils.toString(response.getEntity())));
    }
}
