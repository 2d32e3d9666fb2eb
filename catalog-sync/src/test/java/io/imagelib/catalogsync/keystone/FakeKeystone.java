package io.imagelib.catalogsync.keystone;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import tools.jackson.databind.json.JsonMapper;

/**
 * A small Keystone v3 on the JDK HttpServer: password and application-credential tokens, services by type,
 * endpoint listing with Keystone's filters and PATCH of an endpoint's URL. It can be stopped and started again on
 * the same port (an outage), revoke every token (401), and records every PATCH so tests can prove what was sent.
 */
public final class FakeKeystone implements AutoCloseable {

    public static final String USER = "catalog-sync";
    public static final String PASSWORD = "s3cret";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One PATCH as received. */
    public record Patch(String endpointId, String url, Instant at) {
    }

    private final Map<String, Map<String, Object>> endpoints = new ConcurrentHashMap<>();
    private final Map<String, String> serviceTypes = new ConcurrentHashMap<>();
    private final Set<String> validTokens = ConcurrentHashMap.newKeySet();
    private final List<Patch> patches = new CopyOnWriteArrayList<>();
    private final AtomicInteger tokensIssued = new AtomicInteger();
    private volatile HttpServer server;
    private volatile int port;

    public FakeKeystone start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/v3/", this::handle);
        server.start();
        port = server.getAddress().getPort();
        return this;
    }

    public void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public String addService(String id, String type, String name) {
        serviceTypes.put(id, type + "|" + name);
        return id;
    }

    public String addEndpoint(String serviceId, String region, String interfaceName, String url) {
        String id = UUID.randomUUID().toString().replace("-", "");
        Map<String, Object> endpoint = new LinkedHashMap<>();
        endpoint.put("id", id);
        endpoint.put("interface", interfaceName);
        endpoint.put("region_id", region);
        endpoint.put("region", region);
        endpoint.put("service_id", serviceId);
        endpoint.put("url", url);
        endpoint.put("enabled", true);
        endpoints.put(id, endpoint);
        return id;
    }

    /** Changes an endpoint behind catalog-sync's back, like an operator's {@code openstack endpoint set}. */
    public void handEdit(String endpointId, String url) {
        endpoints.get(endpointId).put("url", url);
    }

    public String urlOf(String endpointId) {
        return (String) endpoints.get(endpointId).get("url");
    }

    public List<Patch> patches() {
        return List.copyOf(patches);
    }

    public List<String> patchedUrls(String endpointId) {
        return patches.stream().filter(p -> p.endpointId().equals(endpointId)).map(Patch::url).toList();
    }

    public int tokensIssued() {
        return tokensIssued.get();
    }

    public void revokeAllTokens() {
        validTokens.clear();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (method.equals("POST") && path.equals("/v3/auth/tokens")) {
                issueToken(exchange);
                return;
            }
            String token = exchange.getRequestHeaders().getFirst("X-Auth-Token");
            if (token == null || !validTokens.contains(token)) {
                reply(exchange, 401, Map.of("error", Map.of("code", 401, "title", "Unauthorized")));
            } else if (method.equals("GET") && path.equals("/v3/services")) {
                String type = query(exchange).get("type");
                var services = serviceTypes.entrySet().stream()
                        .filter(s -> type == null || s.getValue().startsWith(type + "|"))
                        .map(s -> Map.of("id", s.getKey(), "type", s.getValue().split("\\|")[0],
                                "name", s.getValue().split("\\|")[1]))
                        .toList();
                reply(exchange, 200, Map.of("services", services));
            } else if (method.equals("GET") && path.equals("/v3/endpoints")) {
                var filters = query(exchange);
                var matching = endpoints.values().stream()
                        .filter(e -> matches(e, "service_id", filters) && matches(e, "interface", filters)
                                && matches(e, "region_id", filters))
                        .toList();
                reply(exchange, 200, Map.of("endpoints", matching));
            } else if (method.equals("PATCH") && path.startsWith("/v3/endpoints/")) {
                String id = path.substring("/v3/endpoints/".length());
                var endpoint = endpoints.get(id);
                if (endpoint == null) {
                    reply(exchange, 404, Map.of("error", Map.of("code", 404)));
                    return;
                }
                String url = JSON.readTree(exchange.getRequestBody()).path("endpoint").path("url").asString();
                endpoint.put("url", url);
                patches.add(new Patch(id, url, Instant.now()));
                reply(exchange, 200, Map.of("endpoint", endpoint));
            } else {
                reply(exchange, 404, Map.of("error", Map.of("code", 404)));
            }
        }
    }

    private void issueToken(HttpExchange exchange) throws IOException {
        var identity = JSON.readTree(exchange.getRequestBody()).path("auth").path("identity");
        boolean password = identity.path("password").path("user").path("name").asString("").equals(USER)
                && identity.path("password").path("user").path("password").asString("").equals(PASSWORD);
        boolean credential = identity.path("application_credential").path("secret").asString("").equals(PASSWORD);
        if (!password && !credential) {
            reply(exchange, 401, Map.of("error", Map.of("code", 401)));
            return;
        }
        String token = "tok-" + tokensIssued.incrementAndGet();
        validTokens.add(token);
        exchange.getResponseHeaders().add("X-Subject-Token", token);
        reply(exchange, 201, Map.of("token", Map.of("expires_at", Instant.now().plusSeconds(3600).toString())));
    }

    private static boolean matches(Map<String, Object> endpoint, String field, Map<String, String> filters) {
        return !filters.containsKey(field) || filters.get(field).equals(endpoint.get(field));
    }

    private static Map<String, String> query(HttpExchange exchange) {
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return Map.of();
        }
        return Arrays.stream(raw.split("&")).map(pair -> pair.split("=", 2))
                .collect(Collectors.toMap(kv -> decode(kv[0]), kv -> kv.length > 1 ? decode(kv[1]) : "",
                        (a, b) -> b));
    }

    private static String decode(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }

    private static void reply(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
