package io.imagelib.systemtests;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
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
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Glance v2 calls the scenarios need, with the trusted-auth headers a keystone-less Glance reads the identity
 * from. Every download is hashed while it streams, so "nothing lost" is checked byte for byte.
 * <p>
 * A client that knows several routers ({@link #acrossRouters}) behaves as Nova with a {@code glance.api_servers}
 * list: calls to any of them go round robin over all, and a call that finds its router gone (connection refused or
 * reset, the body cut) or answering 5xx is made again on the next, a few rounds at most. An upload the router
 * answers "create it again" ({@code upload-interrupted}: the host died mid-body and the image was removed) is created
 * and uploaded again, as the router asks.
 */
public final class GlanceClient {

    /** A project id is 32 hex characters; any fixed one will do. */
    public static final String PROJECT_ID = "0123456789abcdef0123456789abcdef";

    /** Status and body of a /healthcheck answer; status -1 when no answer came. */
    public record Health(int status, String body) {
    }

    /** An answer with another status than the call expects. */
    public static final class UnexpectedStatus extends IOException {
        private final int status;
        private final String body;

        UnexpectedStatus(String request, int status, String expected, String body) {
            super(request + " answered " + status + " (expected " + expected + "): " + body);
            this.status = status;
            this.body = body;
        }

        public int status() {
            return status;
        }

        /** The router's answer to an upload whose host died mid-body and whose image it removed (image-router-service.md). */
        boolean createAgain() {
            return status == 503 && body.contains("upload-interrupted") && body.contains("create it again");
        }
    }

    /** Rounds over the routers a call makes at most; a pause between rounds lets a moving admin settle. */
    static final int ROUNDS = 3;
    static final Duration ROUND_PAUSE = Duration.ofMillis(300);

    private final HttpClient http;
    private final Duration requestTimeout;
    private final Map<String, String> extraHeaders;
    private final List<URI> routers;
    private final AtomicInteger nextRouter = new AtomicInteger();
    private final Map<String, LongAdder> retries = new ConcurrentHashMap<>();

    public GlanceClient(Duration connectTimeout, Duration requestTimeout) {
        this(HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .build(), requestTimeout, Map.of(), List.of());
    }

    private GlanceClient(HttpClient http, Duration requestTimeout, Map<String, String> extraHeaders, List<URI> routers) {
        this.http = http;
        this.requestTimeout = requestTimeout;
        this.extraHeaders = extraHeaders;
        this.routers = routers;
    }

    /** The same client sending one more header on every API call (e.g. the router's region header). */
    public GlanceClient withHeader(String name, String value) {
        Map<String, String> headers = new LinkedHashMap<>(extraHeaders);
        headers.put(name, value);
        return new GlanceClient(http, requestTimeout, Map.copyOf(headers), routers);
    }

    /** The same client knowing every router in {@code routers}: calls to any of them fail over as the class says. */
    public GlanceClient acrossRouters(List<URI> routers) {
        return new GlanceClient(http, requestTimeout, extraHeaders, List.copyOf(routers));
    }

    /** How often a call was made again on the next router, by cause (connect, reset, 5xx, create again). */
    public Map<String, Long> retries() {
        Map<String, Long> counts = new TreeMap<>();
        retries.forEach((cause, n) -> counts.put(cause, n.sum()));
        return counts;
    }

    private void countRetry(String cause) {
        retries.computeIfAbsent(cause, c -> new LongAdder()).increment();
    }

    /** Whether a failed call may be made again on another router: it never reached one, was cut, or got a 5xx. */
    static Optional<String> retryCause(IOException failure) {
        return switch (failure) {
            case UnexpectedStatus answer when answer.createAgain() -> Optional.empty();
            case UnexpectedStatus answer -> answer.status() >= 500 ? Optional.of(String.valueOf(answer.status())) : Optional.empty();
            case HttpConnectTimeoutException refused -> Optional.of("connect");
            case ConnectException refused -> Optional.of("connect");
            // No answer in time: the request may still take effect, so it is not made twice.
            case HttpTimeoutException slow -> Optional.empty();
            default -> Optional.of("reset");
        };
    }

    private interface Call<T> {
        T on(URI base) throws IOException, InterruptedException;
    }

    /** {@code call} on {@code base}, or, for a client that knows routers, on them in turn as the class says. */
    private <T> T call(URI base, Call<T> call) throws IOException, InterruptedException {
        if (!routers.contains(base)) {
            return call.on(base);
        }
        int first = Math.floorMod(nextRouter.getAndIncrement(), routers.size());
        for (int attempt = 0; ; attempt++) {
            if (attempt > 0 && attempt % routers.size() == 0) {
                Thread.sleep(ROUND_PAUSE);
            }
            try {
                return call.on(routers.get((first + attempt) % routers.size()));
            } catch (IOException failed) {
                Optional<String> cause = retryCause(failed);
                if (cause.isEmpty() || attempt + 1 == ROUNDS * routers.size()) {
                    throw failed;
                }
                countRetry(cause.get());
            }
        }
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
        return call(base, router -> {
            HttpResponse<String> response = http.send(request(router.resolve("/v2/images"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            expect(response, 201);
            return jsonString(response.body(), "id");
        });
    }

    /**
     * PUT /v2/images/{id}/file. An attempt whose answer was lost (its router died after Glance took the data) may have
     * stored the image: when the next attempt meets Glance's 409, the image is read back, and active with exactly these
     * bytes is the upload done.
     */
    public void upload(URI base, String imageId, byte[] bytes) throws IOException, InterruptedException {
        AtomicBoolean sentBefore = new AtomicBoolean();
        call(base, router -> {
            boolean retried = sentBefore.getAndSet(true);
            HttpResponse<String> response = http.send(request(router.resolve("/v2/images/" + imageId + "/file"))
                    .header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
            if (retried && response.statusCode() == 409 && holds(router, imageId, bytes)) {
                countRetry("already uploaded");
                return null;
            }
            expect(response, 204);
            return null;
        });
    }

    /** Whether the image is active with exactly {@code bytes} as its data. */
    private boolean holds(URI router, String imageId, byte[] bytes) throws IOException, InterruptedException {
        return "active".equals(status(router, imageId)) && sha256Hex(bytes).equals(downloadSha256(router, imageId));
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
        return createAndUpload(base, name, bytes, created -> { });
    }

    /**
     * {@link #createAndUpload(URI, String, byte[])} telling {@code created} each image id as soon as the create
     * answers (the last one is the result); a client that knows routers creates again when the router asks to.
     */
    public String createAndUpload(URI base, String name, byte[] bytes, Consumer<String> created) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            String id = createImage(base, name);
            created.accept(id);
            try {
                upload(base, id, bytes);
                return id;
            } catch (UnexpectedStatus answer) {
                if (!routers.contains(base) || !answer.createAgain() || attempt == ROUNDS) {
                    throw answer;
                }
                countRetry("create again");
            }
        }
    }

    /** DELETE /v2/images/{id}. */
    public void delete(URI base, String imageId) throws IOException, InterruptedException {
        call(base, router -> {
            expect(http.send(request(router.resolve("/v2/images/" + imageId)).DELETE().build(), HttpResponse.BodyHandlers.ofString()), 204);
            return null;
        });
    }

    /** The image's status field (queued, saving, active, ...). */
    public String status(URI base, String imageId) throws IOException, InterruptedException {
        return call(base, router -> {
            HttpResponse<String> response = http.send(request(router.resolve("/v2/images/" + imageId)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            expect(response, 200);
            return jsonString(response.body(), "status");
        });
    }

    /** GET /v2/images/{id}/file, hashed while streaming; returns the lowercase hex SHA-256 of the body. */
    public String downloadSha256(URI base, String imageId) throws IOException, InterruptedException {
        return call(base, router -> {
            HttpResponse<InputStream> response = http.send(request(router.resolve("/v2/images/" + imageId + "/file")).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    throw new UnexpectedStatus("GET " + response.uri(), response.statusCode(), "200",
                            new String(body.readNBytes(300), StandardCharsets.UTF_8));
                }
                MessageDigest digest = sha256();
                byte[] buffer = new byte[64 * 1024];
                for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
                    digest.update(buffer, 0, n);
                }
                return HexFormat.of().formatHex(digest.digest());
            }
        });
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
            throw new UnexpectedStatus(response.request().method() + " " + response.uri(), response.statusCode(),
                    Integer.toString(status), response.body());
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
