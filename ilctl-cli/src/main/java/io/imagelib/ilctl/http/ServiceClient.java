package io.imagelib.ilctl.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imagelib.ilctl.IlctlException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * JSON over HTTP to one of our services. Every failure becomes an {@link IlctlException} with a stable exit code:
 * no answer is "unreachable" (3), an HTTP error is "refused" (2) with the problem+json detail.
 * The base URL may list several replicas, comma-separated: a request goes to the next one when a replica does not
 * answer or answers 503 (e.g. a role-service replica while the writer lease moves); our changes are idempotent.
 */
public final class ServiceClient {

    private static final ObjectMapper JSON = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

    private final String service;
    private final List<URI> bases;
    private final Optional<String> token;
    private final Duration requestTimeout;
    private final HttpClient http;

    public ServiceClient(String service, String baseUrl, Optional<String> token, Duration requestTimeout) {
        this.service = service;
        this.bases = Arrays.stream(baseUrl.split(",")).map(String::strip).filter(url -> !url.isEmpty())
                .map(url -> URI.create(url.endsWith("/") ? url : url + "/")).toList();
        this.token = token.filter(t -> !t.isBlank());
        this.requestTimeout = requestTimeout;
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    }

    public JsonNode get(String path, Map<String, String> query) {
        return send(base -> request(base, path + queryString(query)).GET());
    }

    public JsonNode put(String path, Object body) {
        return send(base -> request(base, path).PUT(json(body)).header("Content-Type", "application/json"));
    }

    public JsonNode patch(String path, Object body) {
        return send(base -> request(base, path).method("PATCH", json(body)).header("Content-Type", "application/json"));
    }

    public JsonNode delete(String path) {
        return send(base -> request(base, path).DELETE());
    }

    public String describe() {
        return service + " at " + bases.stream().map(URI::toString).collect(Collectors.joining(","));
    }

    private HttpRequest.Builder request(URI base, String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path.startsWith("/") ? path.substring(1) : path))
                .timeout(requestTimeout)
                .header("Accept", "application/json, application/problem+json");
        token.ifPresent(t -> builder.header("Authorization", "Bearer " + t));
        return builder;
    }

    private JsonNode send(Function<URI, HttpRequest.Builder> request) {
        HttpResponse<String> response = null;
        for (int i = 0; i < bases.size() && (response == null || response.statusCode() == 503); i++) {
            boolean last = i == bases.size() - 1;
            try {
                response = http.send(request.apply(bases.get(i)).build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                if (last && response == null) {
                    throw IlctlException.unreachable(describe(), e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw IlctlException.unreachable(describe(), e);
            }
        }
        JsonNode body = parse(response.body());
        if (response.statusCode() >= 400) {
            throw refused(response.statusCode(), body, response.body());
        }
        return body;
    }

    private ServiceRefusedException refused(int status, JsonNode problem, String raw) {
        if (problem.isObject() && (problem.has("title") || problem.has("detail"))) {
            return new ServiceRefusedException(service, status, problem.path("type").asText(null),
                    problem.path("title").asText("HTTP " + status), problem.path("detail").asText(null));
        }
        return new ServiceRefusedException(service, status, null, "HTTP " + status, raw == null ? null : raw.strip());
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return JSON.missingNode();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JSON.getNodeFactory().textNode(body);
        }
    }

    private static HttpRequest.BodyPublisher json(Object body) {
        try {
            return HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot write " + body + " as JSON", e);
        }
    }

    private static String queryString(Map<String, String> query) {
        String joined = query.entrySet().stream()
                .filter(e -> e.getValue() != null)
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        return joined.isEmpty() ? "" : "?" + joined;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
