package io.imagelib.systemtests;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Glance v2 calls the scenarios need, with the trusted-auth headers a keystone-less Glance reads the identity
 * from. Every download is hashed while it streams, so "nothing lost" is checked byte for byte.
 */
public final class GlanceClient {

    /** A project id is 32 hex characters; any fixed one will do. */
    public static final String PROJECT_ID = "0123456789abcdef0123456789abcdef";

    /** Status and body of a /healthcheck answer; status -1 when no answer came. */
    public record Health(int status, String body) {
    }

    private final HttpClient http;
    private final Duration requestTimeout;
    private final Map<String, String> extraHeaders;

    public GlanceClient(Duration connectTimeout, Duration requestTimeout) {
        this(HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .build(), requestTimeout, Map.of());
    }

    private GlanceClient(HttpClient http, Duration requestTimeout, Map<String, String> extraHeaders) {
        this.http = http;
        this.requestTimeout = requestTimeout;
        this.extraHeaders = extraHeaders;
    }

    /** The same client sending one more header on every API call (e.g. the router's region header). */
    public GlanceClient withHeader(String name, String value) {
        Map<String, String> headers = new LinkedHashMap<>(extraHeaders);
        headers.put(name, value);
        return new GlanceClient(http, requestTimeout, Map.copyOf(headers));
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri);
        extraHeaders.forEach(builder::header);
        return builder
                .timeout(requestTimeout)
                .header("X-Identity-Status", "Confirmed")
                .header("X-Roles", "admin")
                .header("X-Project-Id", PROJECT_ID)
                .header("X-User-Id", "system-tests");
    }

    /** GET /healthcheck, never throwing: a refused or timed-out probe is status -1 with the error as body. */
    public Health healthcheck(URI base) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve("/healthcheck"))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return new Health(response.statusCode(), response.body().strip());
        } catch (IOException e) {
            return new Health(-1, e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Health(-1, "interrupted");
        }
    }

    /** POST /v2/images (raw/bare); returns the new image id. */
    public String createImage(URI base, String name) throws IOException, InterruptedException {
        String body = "{\"name\":\"" + name + "\",\"disk_format\":\"raw\",\"container_format\":\"bare\",\"visibility\":\"shared\"}";
        HttpResponse<String> response = http.send(request(base.resolve("/v2/images"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        expect(response, 201);
        return jsonString(response.body(), "id");
    }

    /** PUT /v2/images/{id}/file. */
    public void upload(URI base, String imageId, byte[] bytes) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request(base.resolve("/v2/images/" + imageId + "/file"))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
        expect(response, 204);
    }

    /**
     * PUT /v2/images/{id}/file with the body sent in {@code chunks} pieces {@code pause} apart, so that an upload
     * is still in flight when a fault lands; fails like {@link #upload} with the answer's status and body.
     */
    public void uploadPaced(URI base, String imageId, byte[] bytes, int chunks, Duration pause) throws IOException, InterruptedException {
        int chunk = (bytes.length + chunks - 1) / chunks;
        List<byte[]> pieces = new ArrayList<>();
        for (int from = 0; from < bytes.length; from += chunk) {
            pieces.add(Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + chunk)));
        }
        Iterator<byte[]> next = pieces.iterator();
        HttpRequest.BodyPublisher paced = HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofByteArrays(() -> new Iterator<>() {
            @Override
            public boolean hasNext() {
                return next.hasNext();
            }

            @Override
            public byte[] next() {
                GlanceHosts.sleep(pause);
                return next.next();
            }
        }), bytes.length);
        HttpResponse<String> response = http.send(request(base.resolve("/v2/images/" + imageId + "/file"))
                .header("Content-Type", "application/octet-stream").PUT(paced).build(), HttpResponse.BodyHandlers.ofString());
        expect(response, 204);
    }

    /** Creates and uploads an image; returns its id. */
    public String createAndUpload(URI base, String name, byte[] bytes) throws IOException, InterruptedException {
        String id = createImage(base, name);
        upload(base, id, bytes);
        return id;
    }

    /** DELETE /v2/images/{id}. */
    public void delete(URI base, String imageId) throws IOException, InterruptedException {
        expect(http.send(request(base.resolve("/v2/images/" + imageId)).DELETE().build(), HttpResponse.BodyHandlers.ofString()), 204);
    }

    /** The image's status field (queued, saving, active, ...). */
    public String status(URI base, String imageId) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request(base.resolve("/v2/images/" + imageId)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        expect(response, 200);
        return jsonString(response.body(), "status");
    }

    /** GET /v2/images/{id}/file, hashed while streaming; returns the lowercase hex SHA-256 of the body. */
    public String downloadSha256(URI base, String imageId) throws IOException, InterruptedException {
        HttpResponse<InputStream> response = http.send(request(base.resolve("/v2/images/" + imageId + "/file")).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException("GET " + response.uri() + " answered " + response.statusCode() + ": "
                        + new String(body.readNBytes(300), StandardCharsets.UTF_8));
            }
            MessageDigest digest = sha256();
            byte[] buffer = new byte[64 * 1024];
            for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        }
    }

    /** GET /v2/images?limit=1: touches the database (a deep check), unlike /healthcheck. */
    public int listImagesStatus(URI base) throws IOException, InterruptedException {
        return http.send(request(base.resolve("/v2/images?limit=1")).GET().build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    /** How many images (of the first 1000) have {@code status}, e.g. {@code saving} after a fault: none may stay there. */
    public int countImages(URI base, String status) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request(base.resolve("/v2/images?limit=1000")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        expect(response, 200);
        return (int) Pattern.compile("\"status\"\\s*:\\s*\"" + Pattern.quote(status) + "\"").matcher(response.body()).results().count();
    }

    public static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static void expect(HttpResponse<String> response, int status) throws IOException {
        if (response.statusCode() != status) {
            throw new IOException(response.request().method() + " " + response.uri() + " answered "
                    + response.statusCode() + " (expected " + status + "): " + response.body());
        }
    }

    /** A top-level string field of a flat JSON object; Glance's image documents are simple enough for this. */
    static String jsonString(String json, String field) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(field) + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("No \"" + field + "\" in " + json);
        }
        return m.group(1);
    }
}
