package io.imagelib.deploy.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Keystone v3 admin calls a local stack makes as the bootstrap admin (recipe and pitfalls: docs/keystone.md): the
 * image service, its endpoints, and service users. Each call is idempotent, so {@code ilctl up} and every test run
 * repeat them. One client for ilctl and the system tests.
 */
public final class KeystoneAdmin {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** One local Keystone worker serves everyone; on a loaded machine one call can take seconds (docs/keystone.md). */
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final URI url;
    private final String user;
    private final String password;
    private final String project;
    // HTTP/1.1 pinned: the JDK's h2c upgrade offer confuses uwsgi's router (docs/keystone.md).
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private String token;

    private KeystoneAdmin(URI url, String user, String password, String project) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.project = project;
    }

    /** A client with a project-scoped token of {@code user} on {@code project} (both in the Default domain). */
    public static KeystoneAdmin login(URI url, String user, String password, String project) {
        KeystoneAdmin admin = new KeystoneAdmin(url, user, password, project);
        admin.token(true);
        return admin;
    }

    /** The token this client sends (tests send it to Glance too). */
    public synchronized String token() {
        return token;
    }

    /** The id of the service of {@code type}, registered under {@code name} if there is none. */
    public String service(String type, String name) {
        return first(get("/v3/services?type=" + type).path("services"))
                .orElseGet(() -> post("/v3/services", Map.of("service", Map.of("type", type, "name", name))).path("service"))
                .path("id").asString();
    }

    /**
     * The glance/image service as a deployment has it before our services take over: in {@code region},
     * {@code public} and {@code internal} at {@code publicUrl} and one {@code admin} at {@code adminUrl}, which is only
     * set over an existing one when {@code resetAdmin} (after the first start catalog-sync owns it). Returns the
     * service's id.
     */
    public String imageService(String region, String publicUrl, String adminUrl, boolean resetAdmin) {
        String serviceId = service("image", "glance");
        endpoint(serviceId, region, "public", publicUrl, true);
        endpoint(serviceId, region, "internal", publicUrl, true);
        endpoint(serviceId, region, "admin", adminUrl, resetAdmin);
        return serviceId;
    }

    /**
     * Makes the service's one {@code iface} endpoint in {@code region} exist, duplicates left by older runs removed. It
     * is set to {@code endpointUrl} when created or when {@code overwrite} (where catalog-sync owns the admin endpoint
     * once it exists, the stack never resets it).
     */
    public void endpoint(String serviceId, String region, String iface, String endpointUrl, boolean overwrite) {
        List<JsonNode> found = endpoints(serviceId, region, iface);
        if (found.isEmpty()) {
            post("/v3/endpoints", Map.of("endpoint", Map.of("service_id", serviceId, "interface", iface, "region_id", region,
                    "url", endpointUrl)));
            return;
        }
        if (overwrite && !found.getFirst().path("url").asString().equals(endpointUrl)) {
            send("PATCH", "/v3/endpoints/" + found.getFirst().path("id").asString(), Map.of("endpoint", Map.of("url", endpointUrl)));
        }
        found.subList(1, found.size()).forEach(e -> send("DELETE", "/v3/endpoints/" + e.path("id").asString(), null));
    }

    /** The URLs of the service's {@code iface} endpoints in {@code region}, as Keystone lists them now. */
    public List<String> endpointUrls(String serviceId, String region, String iface) {
        return endpoints(serviceId, region, iface).stream().map(e -> e.path("url").asString()).toList();
    }

    private List<JsonNode> endpoints(String serviceId, String region, String iface) {
        List<JsonNode> found = new ArrayList<>();
        get("/v3/endpoints?service_id=" + serviceId + "&interface=" + iface + "&region_id=" + region).path("endpoints")
                .forEach(found::add);
        return found;
    }

    /**
     * A user with the admin role on {@code project}, created with {@code password} if missing. An existing user gets
     * {@code password} only when {@code resetPassword}: a new password revokes the tokens running hosts hold, so a stack
     * that keeps its passwords never resets them.
     */
    public void serviceUser(String name, String password, String project, boolean resetPassword) {
        String projectId = first(get("/v3/projects?name=" + project).path("projects"))
                .orElseGet(() -> post("/v3/projects", Map.of("project", Map.of("name", project, "domain_id", "default"))).path("project"))
                .path("id").asString();
        Optional<JsonNode> existing = first(get("/v3/users?name=" + name).path("users"));
        String userId = existing.map(u -> u.path("id").asString())
                .orElseGet(() -> post("/v3/users", Map.of("user", Map.of("name", name, "domain_id", "default", "password", password,
                        "default_project_id", projectId))).path("user").path("id").asString());
        if (existing.isPresent() && resetPassword) {
            send("PATCH", "/v3/users/" + userId, Map.of("user", Map.of("password", password)));
        }
        String roleId = first(get("/v3/roles?name=admin").path("roles"))
                .orElseThrow(() -> new IllegalStateException("Keystone at " + url + " has no admin role (bootstrap did not run?)"))
                .path("id").asString();
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

    /** One admin call; a 401 (token expired, or Keystone restarted with other keys) renews the token once. */
    private JsonNode send(String method, String path, Object body) {
        HttpResponse<String> response = call(method, path, body, token(false));
        if (response.statusCode() == 401) {
            response = call(method, path, body, token(true));
        }
        if (response.statusCode() >= 300) {
            throw new IllegalStateException("Keystone " + method + " " + url.resolve(path) + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
    }

    private synchronized String token(boolean renew) {
        if (token == null || renew) {
            var identity = Map.of("methods", List.of("password"), "password",
                    Map.of("user", Map.of("name", user, "domain", Map.of("name", "Default"), "password", password)));
            var scope = Map.of("project", Map.of("name", project, "domain", Map.of("name", "Default")));
            HttpResponse<String> response = call("POST", "/v3/auth/tokens", Map.of("auth", Map.of("identity", identity, "scope", scope)), null);
            token = response.headers().firstValue("X-Subject-Token").orElseThrow(() -> new IllegalStateException(
                    "Keystone at " + url + " issued no token for " + user + ": HTTP " + response.statusCode() + " " + response.body()));
        }
        return token;
    }

    private HttpResponse<String> call(String method, String path, Object body, String authToken) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url.resolve(path)).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (authToken != null) {
            request.header("X-Auth-Token", authToken);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("Keystone at " + url + ": " + method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while calling Keystone", e);
        }
    }
}
