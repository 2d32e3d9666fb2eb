package io.imagelib.glancesim;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/** Routes the Glance v2 subset to the {@link ImageStore}; answers the way Glance does (status codes, headers). */
final class GlanceApiHandler implements HttpHandler {

    private static final String JSON = "application/json";
    private static final String JSON_PATCH = "application/openstack-images-v2.1-json-patch";
    private static final int DEFAULT_LIST_LIMIT = 25;
    private static final int COPY_BUFFER = 64 * 1024;
    /** The versions Glance 25 (Zed) lists without an image cache or multiple stores, newest (CURRENT) first. */
    private static final List<String> VERSIONS = List.of("v2.15", "v2.9", "v2.7", "v2.6", "v2.5", "v2.4", "v2.3",
            "v2.2", "v2.1", "v2.0");

    /**
     * The JSON schemas the glance client reads before it lists or creates images (it fails without them), served as
     * Glance 25 (Zed) answers them: resources captured from a real glance-api.
     */
    private static final List<String> SCHEMAS = List.of("image", "images");

    private final JsonMapper json = JsonMapper.builder().build();
    private final ImageStore store;
    private final SimulatorConfig config;
    private final Faults faults;
    private final RequestLog log;

    GlanceApiHandler(ImageStore store, SimulatorConfig config, Faults faults, RequestLog log) {
        this.store = store;
        this.config = config;
        this.faults = faults;
        this.log = log;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            pause(config.latency());
            faults.awaitNotHung();
            String method = exchange.getRequestMethod();
            try {
                List<String> path = segments(exchange.getRequestURI().getRawPath());
                if (path.equals(List.of("healthcheck"))) {
                    log.record("healthcheck", exchange.getRequestHeaders());
                    healthcheck(exchange);
                } else if (faults.takeUnavailable()) {
                    log.record("unavailable", exchange.getRequestHeaders());
                    error(exchange, new ApiError(503, "Service Unavailable (simulated)"));
                } else {
                    route(exchange, method, path);
                }
            } catch (ApiError e) {
                error(exchange, e);
            } catch (JacksonException | ClassCastException e) {
                error(exchange, new ApiError(400, "Malformed request body: " + e.getClass().getSimpleName()));
            }
        }
    }

    private void route(HttpExchange exchange, String method, List<String> path) throws IOException {
        if (path.isEmpty() || path.equals(List.of("versions"))) {
            log.record("versions", exchange.getRequestHeaders());
            versions(exchange, !path.isEmpty());
            return;
        }
        if (path.size() == 3 && path.get(0).equals("v2") && path.get(1).equals("schemas") && SCHEMAS.contains(path.get(2))) {
            log.record("schema", exchange.getRequestHeaders());
            schema(exchange, path.get(2));
            return;
        }
        if (path.size() < 2 || !path.get(0).equals("v2") || !path.get(1).equals("images")) {
            throw new ApiError(404, "Not found: " + exchange.getRequestURI().getRawPath());
        }
        String id = path.size() > 2 ? path.get(2) : null;
        String sub = path.size() > 3 ? path.get(3) : null;
        if (path.size() > 4) {
            throw new ApiError(404, "Not found");
        }
        String operation = switch (method + " " + (id == null ? "" : sub == null ? "{id}" : sub)) {
            case "GET " -> "list";
            case "POST " -> "create";
            case "GET {id}" -> "show";
            case "PATCH {id}" -> "patch";
            case "DELETE {id}" -> "delete";
            case "PUT file" -> "upload";
            case "GET file", "HEAD file" -> "download";
            case "PUT stage" -> "stage";
            case "POST import" -> "import";
            default -> throw new ApiError(405, "Method " + method + " not allowed here");
        };
        log.record(operation, exchange.getRequestHeaders());
        switch (operation) {
            case "list" -> list(exchange);
            case "create" -> create(exchange);
            case "show" -> sendJson(exchange, 200, store.get(id));
            case "patch" -> patch(exchange, id);
            case "delete" -> {
                store.delete(id);
                noContent(exchange);
            }
            case "upload" -> {
                store.upload(id, exchange.getRequestBody());
                noContent(exchange);
            }
            case "download" -> download(exchange, id, method.equals("HEAD"));
            case "stage" -> {
                store.stage(id, exchange.getRequestBody());
                noContent(exchange);
            }
            case "import" -> importImage(exchange, id);
            default -> throw new IllegalStateException(operation);
        }
    }

    /**
     * Glance's version document: {@code GET /} answers 300 Multiple Choices, {@code GET /versions} 200. Like Glance
     * (no {@code public_endpoint} set) the links name the host as the request's Host header addressed it.
     */
    private void versions(HttpExchange exchange, boolean explicit) throws IOException {
        String host = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Host"))
                .orElse(config.bindAddress() + ":" + exchange.getLocalAddress().getPort());
        String self = "http://" + host + "/v2/";
        List<Version> versions = VERSIONS.stream().map(id -> new Version(id,
                id.equals(VERSIONS.getFirst()) ? "CURRENT" : "SUPPORTED", List.of(new Link("self", self)))).toList();
        sendJson(exchange, explicit ? 200 : 300, Map.of("versions", versions));
    }

    private record Version(String id, String status, List<Link> links) {
    }

    private record Link(String rel, String href) {
    }

    private void schema(HttpExchange exchange, String name) throws IOException {
        try (InputStream schema = GlanceApiHandler.class.getResourceAsStream("schema-" + name + ".json")) {
            if (schema == null) {
                throw new IllegalStateException("schema-" + name + ".json is missing from the simulator jar");
            }
            sendJsonBytes(exchange, 200, schema.readAllBytes());
        }
    }

    private void healthcheck(HttpExchange exchange) throws IOException {
        boolean disabled = config.disableFile().map(Files::exists).orElse(false);
        sendText(exchange, disabled ? 503 : 200, disabled ? "DISABLED BY FILE" : "OK");
    }

    private void list(HttpExchange exchange) throws IOException {
        int limit = queryParam(exchange, "limit").map(GlanceApiHandler::positiveInt).orElse(DEFAULT_LIST_LIMIT);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("images", store.list(limit));
        body.put("first", "/v2/images");
        body.put("schema", "/v2/schemas/images");
        sendJson(exchange, 200, body);
    }

    private void create(HttpExchange exchange) throws IOException {
        requireContentType(exchange, JSON);
        @SuppressWarnings("unchecked")
        Map<String, Object> request = json.readValue(exchange.getRequestBody(), LinkedHashMap.class);
        String owner = exchange.getRequestHeaders().getFirst("X-Project-Id");
        Map<String, Object> image = store.create(request, owner);
        if (faults.takeLostCreateAnswer()) {
            // Closing an exchange that sent no headers drops the connection: the client gets no answer at all.
            return;
        }
        sendJson(exchange, 201, image);
    }

    private void patch(HttpExchange exchange, String id) throws IOException {
        requireContentType(exchange, JSON_PATCH);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> operations = json.readValue(exchange.getRequestBody(), List.class);
        sendJson(exchange, 200, store.patch(id, operations));
    }

    private void importImage(HttpExchange exchange, String id) throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> request = json.readValue(exchange.getRequestBody(), Map.class);
        Object method = request.get("method") instanceof Map<?, ?> m ? m.get("name") : null;
        if (!"glance-direct".equals(method)) {
            throw new ApiError(400, "Import method '" + method + "' is not supported by the simulator (glance-direct only).");
        }
        store.importStaged(id);
        exchange.sendResponseHeaders(202, -1);
    }

    private void download(HttpExchange exchange, String id, boolean headOnly) throws IOException {
        Map<String, Object> image = store.get(id);
        Path file = store.dataFile(id);
        if (!"active".equals(image.get("status")) || !Files.exists(file)) {
            exchange.sendResponseHeaders(204, -1);
            return;
        }
        long size = Files.size(file);
        Optional<ByteRange> range;
        try {
            range = ByteRange.parse(exchange.getRequestHeaders().getFirst("Range"), size);
        } catch (ByteRange.Unsatisfiable e) {
            exchange.getResponseHeaders().set("Content-Range", "bytes */" + size);
            throw new ApiError(416, "Requested range not satisfiable");
        }
        long first = range.map(ByteRange::first).orElse(0L);
        long length = range.map(ByteRange::length).orElse(size);
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", "application/octet-stream");
        headers.set("Content-MD5", String.valueOf(image.get("checksum")));
        headers.set("Accept-Ranges", "bytes");
        range.ifPresent(r -> headers.set("Content-Range", r.contentRange(size)));
        int status = range.isPresent() ? 206 : 200;
        if (headOnly) {
            headers.set("Content-Length", Long.toString(length));
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        Optional<Faults.DownloadFault> fault = faults.faultForNewDownload();
        exchange.sendResponseHeaders(status, length);
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(first);
            copy(in, exchange.getResponseBody(), length, fault, exchange);
        }
    }

    /** Copies exactly {@code length} bytes, unless a fault cuts or stalls the transfer part way. */
    private void copy(InputStream in, OutputStream out, long length, Optional<Faults.DownloadFault> fault,
                      HttpExchange exchange) throws IOException {
        byte[] buffer = new byte[COPY_BUFFER];
        long sent = 0;
        long started = System.nanoTime();
        boolean faultDone = fault.isEmpty();
        while (sent < length) {
            int want = (int) Math.min(buffer.length, length - sent);
            if (!faultDone) {
                want = (int) Math.min(want, fault.get().afterBytes() - sent);
                if (want <= 0) {
                    out.flush();
                    if (fault.get().stall().isZero()) {
                        // Closing the exchange before the promised length is sent drops the TCP connection, as a dying host would.
                        exchange.close();
                        return;
                    }
                    pause(fault.get().stall());
                    faultDone = true;
                    continue;
                }
            }
            faults.awaitNotHung();
            int n = in.read(buffer, 0, want);
            if (n < 0) {
                throw new IOException("Image data shorter than its recorded size");
            }
            out.write(buffer, 0, n);
            sent += n;
            throttle(sent, started);
        }
    }

    private void throttle(long sent, long startedNanos) {
        long rate = faults.throttle();
        if (rate > 0) {
            long dueNanos = sent * 1_000_000_000L / rate;
            long aheadNanos = dueNanos - (System.nanoTime() - startedNanos);
            if (aheadNanos > 0) {
                pause(Duration.ofNanos(aheadNanos));
            }
        }
    }

    private static void requireContentType(HttpExchange exchange, String expected) {
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType == null || !contentType.toLowerCase().startsWith(expected)) {
            throw new ApiError(415, "Content-Type must be " + expected + ", was " + contentType);
        }
    }

    private void sendJson(HttpExchange exchange, int status, Object body) throws IOException {
        sendJsonBytes(exchange, status, json.writeValueAsBytes(body));
    }

    private static void sendJsonBytes(HttpExchange exchange, int status, byte[] bytes) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", JSON);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static void sendText(HttpExchange exchange, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain");
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static void noContent(HttpExchange exchange) throws IOException {
        exchange.sendResponseHeaders(204, -1);
    }

    private void error(HttpExchange exchange, ApiError e) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", e.status());
        body.put("title", title(e.status()));
        body.put("message", e.getMessage());
        drain(exchange.getRequestBody());
        sendJson(exchange, e.status(), body);
    }

    /** Reads what the client still sends so the connection can be reused (as Glance's WSGI server does). */
    private static void drain(InputStream body) {
        try {
            body.transferTo(OutputStream.nullOutputStream());
        } catch (IOException ignored) {
            // the client went away; nothing to answer
        }
    }

    private static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 415 -> "Unsupported Media Type";
            case 416 -> "Requested Range Not Satisfiable";
            case 503 -> "Service Unavailable";
            default -> "Error";
        };
    }

    private static Optional<String> queryParam(HttpExchange exchange, String name) {
        String query = exchange.getRequestURI().getRawQuery();
        if (query == null) {
            return Optional.empty();
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return Optional.of(pair.substring(eq + 1));
            }
        }
        return Optional.empty();
    }

    private static int positiveInt(String value) {
        try {
            int n = Integer.parseInt(value);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw new ApiError(400, "limit must be a non-negative integer, was '" + value + "'");
    }

    private static List<String> segments(String rawPath) {
        if (rawPath.contains("..") || rawPath.contains("%")) {
            throw new ApiError(400, "Unsupported characters in path");
        }
        return Arrays.stream(rawPath.split("/")).filter(s -> !s.isEmpty()).toList();
    }

    private static void pause(Duration delay) {
        if (delay.isZero() || delay.isNegative()) {
            return;
        }
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
