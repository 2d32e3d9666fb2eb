package io.imagelib.catalogsync.keystone;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JDK HttpClient pointed at one Keystone: JSON in and out, a timeout on every call, and transport failures
 * turned into {@link KeystoneException} "unavailable" so callers see one kind of error.
 */
public final class KeystoneHttp {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final URI base;
    private final Duration timeout;
    private final HttpClient client;

    /** @param base Keystone's identity URL without version, e.g. {@code http://127.0.0.1:5000} */
    public KeystoneHttp(URI base, Duration timeout) {
        this.base = URI.create(base.toString().replaceAll("/+$", "") + "/");
        this.timeout = timeout;
        // Keystone is served over HTTP/1.1 (uwsgi, Apache mod_wsgi); the JDK default would offer an h2c upgrade on
        // every new plain-http connection for nothing.
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    }

    HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(base.resolve(pathAndQuery))
                .timeout(timeout)
                .header("Accept", "application/json");
    }

    static HttpRequest.BodyPublisher json(Object body) {
        return HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
    }

    HttpResponse<String> send(HttpRequest request, String what) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new KeystoneException("unavailable", what + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KeystoneException("interrupted", what + " interrupted", e);
        }
    }

    static JsonNode parse(HttpResponse<String> response, String what) {
        try {
            return JSON.readTree(response.body());
        } catch (RuntimeException e) {
            throw new KeystoneException("bad-response", what + " returned no JSON", e);
        }
    }
}
