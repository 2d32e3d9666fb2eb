package io.imagelib.role.probe;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * Probes Glance's {@code GET /healthcheck} (200 "OK"; 503 "DISABLED BY FILE" while draining) with a bounded
 * timeout, so a typo in the URL or a host whose Glance is down is caught before compute starts fetching from it.
 * TLS uses the JVM trust store; hosts with private CAs need the CA imported or {@code ?probe=false}.
 */
public final class HttpHealthcheckProbe implements HealthcheckProbe {

    private final HttpClient client;
    private final Duration timeout;

    public HttpHealthcheckProbe(Duration timeout) {
        this.timeout = timeout;
        this.client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public ProbeResult check(String publicUrl) {
        String url = healthcheckUrl(publicUrl);
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build();
        try {
            HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200
                    ? ProbeResult.healthy(url)
                    : ProbeResult.failed(url, "answered HTTP " + response.statusCode() + " instead of 200");
        } catch (HttpTimeoutException e) { // connect or response timeout
            return ProbeResult.failed(url, "did not answer within " + timeout.toMillis() + " ms (timeout)");
        } catch (ConnectException e) {
            return ProbeResult.failed(url, "refused the connection (is Glance running and the port open?)");
        } catch (IOException e) {
            return ProbeResult.failed(url, "could not be reached: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ProbeResult.failed(url, "probe interrupted");
        }
    }

    /** Glance serves /healthcheck at the root of its API, which may sit under a proxy path. */
    static String healthcheckUrl(String publicUrl) {
        return publicUrl.replaceAll("/+$", "") + "/healthcheck";
    }
}
