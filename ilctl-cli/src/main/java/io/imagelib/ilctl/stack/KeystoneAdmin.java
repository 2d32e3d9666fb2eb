package io.imagelib.ilctl.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imagelib.ilctl.IlctlException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Keystone v3 admin calls the stack makes as the bootstrap admin: the image service, its endpoints, and the
 * service users of glance-api (token validation) and catalog-sync. Each call is idempotent, so {@code up} repeats them.
 */
final class KeystoneAdmin {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** One local Keystone worker serves everyone; on a loaded machine one call can take seconds (docs/keystone.md). */
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final URI url;
    // HTTP/1.1 pinned: the JDK's h2c upgrade offer confuses uwsgi's router (docs/keystone.md).
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String token;

    private KeystoneAdmin(URI url, String token) {
        this.url = url;
        this.token = token;
    }

    /** A project-scoped token of {@code user} on {@code project} (both in the Default domain). */
    static KeystoneAdmin login(URI url, String user, String password, String project) {
        var identity = Map.of("methods", List.of("password"), "password",
                Map.of("user", Map.of("name", user, "domain", Map.of("name", "Default"), "password", password)));
        var scope = Map.of("project", Map.of("name", project, "domain", Map.of("name", "Default")));
        KeystoneAdmin anonymous = new KeystoneAdmin(url, null);
        HttpResponse<String> response = anonymous.call("POST", "/v3/auth/tokens", Map.of("auth", Map.of("identity", identity, "scope", scope)));
        return new KeystoneAdmin(url, response.headers().firstValue("X-Subject-Token").orElseThrow(() ->
                IlctlException.stack("Keystone at " + url + " issued no token for " + user + ": HTTP " + response.statusCode())));
    }

    /** The token this client sends (tests send it to Glance too). */
    String token() {
        return token;
    }

    /** The id of the service of {@code type}, registered under {@code name} if there is none. */
    String service(String type, String name) {
        return first(get("/v3/services?type=" + type).path("services"))
                .orElseGet(() -> post("/v3/services", Map.of("service", Map.of("type", type, "name", name))).path("service"))
                .path("id").asText();
    }

    /**
     * Makes the service's {@code iface} endpoint in {@code region} exist; it is set to {@code endpointUrl} when
     * created or when {@code overwrite} (catalog-sync owns the admin endpoint once it exists, so up never resets it).
     */
    void endpoint(String serviceId, String region, String iface, String endpointUrl, boolean overwrite) {
        List<JsonNode> found = endpoints(serviceId, region, iface);
        if (found.isEmpty()) {
            post("/v3/endpoints", Map.of("endpoint", Map.of("service_id", serviceId, "interface", iface, "region_id", region,
                    "url", endpointUrl)));
        } else if (overwrite && !found.getFirst().path("url").asText().equals(endpointUrl)) {
            send("PATCH", "/v3/endpoints/" + found.getFirst().path("id").asText(), Map.of("endpoint", Map.of("url", endpointUrl)));
        }
    }

    /** The URLs of the service's {@code iface} endpoints in {@code region}, as Keystone lists them now. */
    List<String> endpointUrls(String serviceId, String region, String iface) {
        return endpoints(serviceId, region, iface).stream().map(e -> e.path("url").asText()).toList();
    }

    private List<JsonNode> endpoints(String serviceId, String region, String iface) {
        List<JsonNode> found = new ArrayList<>();
        get("/v3/endpoints?service_id=" + serviceId + "&interface=" + iface + "&region_id=" + region).path("endpoints")
                .forEach(found::add);
        return found;
    }

    /**
     * A user with the admin role on {@code project}, created with {@code password} if missing. An existing user keeps
     * its password: changing it would revoke the tokens the running hosts hold (the stack keeps the password anyway).
     */
    void serviceUser(String name, String password, String project) {
        String projectId = first(get("/v3/projects?name=" + project).path("projects"))
                .orElseGet(() -> post("/v3/projects", Map.of("project", Map.of("name", project, "domain_id", "default"))).path("project"))
                .path("id").asText();
        String userId = first(get("/v3/users?name=" + name).path("users"))
                .orElseGet(() -> post("/v3/users", Map.of("user", Map.of("name", name, "domain_id", "default", "password", password,
                        "default_project_id", projectId))).path("user"))
                .path("id").asText();
        String roleId = first(get("/v3/roles?name=admin").path("roles"))
                .orElseThrow(() -> IlctlException.stack("Keystone at " + url + " has no admin role (bootstrap did not run?)"))
                .path("id").asText();
        send("PUT", "/v3/projects/" + projectId + "/users/" + userId + "/roles/" + roleId, null);
    }

    private static Optional<JsonNode> first(JsonNode array) {
        return array.isEmpty() ? Optional.empty() : Optional.of(array.get(0));
    }

    private JsonNode get(String path) {
        return send("GET", path, null);
    }

    private JsonNode post(String path, Object body) {
        return send("POST", path, body);
    }

    private JsonNode send(String method, String path, Object body) {
        HttpResponse<String> response = call(method, path, body);
        if (response.statusCode() >= 300) {
            throw IlctlException.stack("Keystone " + method + " " + url.resolve(path) + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        try {
            return response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw IlctlException.stack("Keystone " + method + " " + path + " answered no JSON: " + response.body());
        }
    }

    private HttpResponse<String> call(String method, String path, Object body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(url.resolve(path)).timeout(TIMEOUT)
                    .header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            if (token != null) {
                request.header("X-Auth-Token", token);
            }
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw IlctlException.unreachable("Keystone at " + url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw IlctlException.stack("Interrupted while calling Keystone");
        }
    }
}
