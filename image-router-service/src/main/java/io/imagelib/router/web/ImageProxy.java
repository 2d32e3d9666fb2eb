package io.imagelib.router.web;

import io.imagelib.router.config.RouterProperties;
import io.imagelib.router.domain.CreatedImages;
import io.imagelib.router.domain.HostFailures;
import io.imagelib.router.domain.ImageOperation;
import io.imagelib.router.domain.InterruptedUpload;
import io.imagelib.router.domain.InvalidTarget;
import io.imagelib.router.domain.ProxyTarget;
import io.imagelib.router.domain.ResumeWindow;
import io.imagelib.router.domain.RetryPolicy;
import io.imagelib.router.domain.RetryPolicy.Failure;
import io.imagelib.router.domain.Route;
import io.imagelib.router.domain.Upstream;
import io.imagelib.router.domain.UpstreamTimeouts;
import io.imagelib.support.web.ProblemResponses;
import io.imagelib.support.web.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Forwards one Glance v2 request to a registered host chosen from the live snapshot, streaming bodies both ways with
 * blocking I/O on virtual threads (the socket buffers are the only buffers, so a slow side slows the other).
 * Failures before any response byte reached the client move the request to the next host when {@link RetryPolicy}
 * allows; a download that breaks mid-stream continues on another host with a Range request.
 */
public final class ImageProxy {

    private static final Logger log = LoggerFactory.getLogger(ImageProxy.class);
    /** Bytes per upstream read and per client write of image data; Tomcat's socket buffer is as large (RouterConfiguration). */
    public static final int COPY_BUFFER = 256 * 1024;
    /** On answers to requests routed in panic mode (no host of the region UP), so clients and tests can tell. */
    public static final String PANIC_HEADER = "X-Imagelib-Panic";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Creates remembered for {@link InterruptedUpload}: ids of ~40 bytes, a few MB at most. */
    private static final int CREATES_REMEMBERED = 50_000;
    /** What an interrupted upload's answer asks the client to wait before creating the image again. */
    private static final String RETRY_AFTER_SECONDS = "1";
    private static final Pattern IMAGE_ID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final HostAttempts attempts;
    private final HttpClient client;
    private final ImageDataClient imageData;
    private final InFlightReads inFlight;
    private final UpstreamTimeouts timeouts;
    private final RouterProperties properties;
    private final ProxyMetrics metrics;
    private final CreatedImages created = new CreatedImages(CREATES_REMEMBERED);

    public ImageProxy(HostAttempts attempts, HttpClient client, InFlightReads inFlight, RouterProperties properties) {
        this.attempts = attempts;
        this.inFlight = inFlight;
        this.timeouts = properties.timeouts();
        this.client = client;
        this.properties = properties;
        this.metrics = attempts.metrics();
        this.imageData = new ImageDataClient(properties.connectTimeout(), timeouts.readHeaders(), timeouts.idle());
    }

    public void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ProxyTarget target;
        RequestBody body;
        try {
            target = ProxyTarget.parse(request.getMethod(), request.getRequestURI(), request.getQueryString(),
                    request.getHeader(ProxyTarget.REGION_HEADER), properties.defaultRegion());
            boolean dataBody = target.operation() == ImageOperation.UPLOAD || target.operation() == ImageOperation.STAGE;
            body = RequestBody.of(request, dataBody, properties.maxCreateBody().toBytes());
        } catch (InvalidTarget refused) {
            metrics.rejected(refused.slug());
            HttpStatus status = refused.slug().equals("method-not-allowed") ? HttpStatus.METHOD_NOT_ALLOWED : HttpStatus.BAD_REQUEST;
            problem(response, status, refused.slug(), "Request not forwarded", refused.getMessage());
            return;
        } catch (RequestBody.TooLarge tooLarge) {
            metrics.rejected("body-too-large");
            problem(response, HttpStatus.CONTENT_TOO_LARGE, "body-too-large", "Request body too large",
                    "JSON bodies of the image API are limited to " + tooLarge.max + " bytes here; image data goes to .../file or .../stage.");
            return;
        }
        forward(target, body, request, response);
    }

    private void forward(ProxyTarget target, RequestBody body, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        long began = System.nanoTime();
        Route route = plan(target, response);
        if (route.isEmpty()) {
            problem(response, HttpStatus.SERVICE_UNAVAILABLE, "no-healthy-host", "No image-library host available",
                    "Region " + target.region() + " has no registered image-library host that is UP. Check the host roles and the host monitor.");
            return;
        }
        Optional<String> createdId = target.operation() == ImageOperation.CREATE ? imageIdIn(body.held()) : Optional.empty();
        boolean clientImageId = createdId.isPresent();
        boolean mayHaveCreated = false;
        List<String> tried = new ArrayList<>();
        for (int round = 1; ; round++) {
            List<Upstream> plan = route.hosts();
            for (int i = 0; i < plan.size(); i++) {
                Upstream host = plan.get(i);
                tried.add(host.hostId());
                long started = System.nanoTime();
                Instant sentAt = Instant.now();
                Failure failure;
                UpstreamResponse answer = null;
                try {
                    answer = send(host, target, request, request.getMethod(), body, null);
                    failure = null;
                } catch (HttpConnectTimeoutException | ConnectException refused) {
                    failure = attempts.failed(host, target, HostFailures.Kind.CONNECTION_REFUSED, started, Failure.REFUSED);
                } catch (HttpTimeoutException timeout) {
                    failure = attempts.failed(host, target, HostFailures.Kind.TIMEOUT, started, Failure.LOST_AFTER_SEND);
                } catch (InterruptedIOException | InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IOException("Interrupted while forwarding", interrupted);
                } catch (InFlightReads.Aborted cut) {
                    metrics.attempt(host, target.operation(), "aborted", started);
                    failure = Failure.LOST_AFTER_SEND;
                } catch (IOException lost) {
                    failure = attempts.failed(host, target, HostFailures.Kind.RESET, started, Failure.LOST_AFTER_SEND);
                }
                metrics.bytes(host, "upload", body.bytesSent());
                if (answer != null && RetryPolicy.hostFailed(target.operation(), answer.status())) {
                    attempts.answeredAsFailure(host, target, answer.status(), started);
                    // Decided after the answer: the budget may have run out while this host took its time.
                    boolean lastChance = i == plan.size() - 1 && !attempts.mayPlanAgain(target, round, began);
                    if (lastChance || !RetryPolicy.mayRetry(target.operation(), Failure.UNAVAILABLE, body.replayable(), clientImageId)) {
                        relay(target, request, response, host, answer);
                        return;
                    }
                    answer.body().close();
                    failure = Failure.UNAVAILABLE;
                }
                if (failure == null) {
                    metrics.attempt(host, target.operation(), ProxyMetrics.statusOutcome(answer.status()), started);
                    if (mayHaveCreated && clientImageId && answer.status() == 409) {
                        answer.body().close();
                        answerWithExisting(target, createdId.get(), request, response, host);
                        return;
                    }
                    relay(target, request, response, host, answer);
                    return;
                }
                if (!RetryPolicy.mayRetry(target.operation(), failure, body.replayable(), clientImageId)) {
                    if (target.operation() == ImageOperation.UPLOAD && failure == Failure.LOST_AFTER_SEND) {
                        afterInterruptedUpload(target, host, sentAt, request, response);
                        return;
                    }
                    problem(response, HttpStatus.BAD_GATEWAY, "upstream-failed", "Image-library host failed",
                            "Host " + host.hostId() + " failed (" + failure + ") and this " + target.operation()
                                    + " request is not safe to send again; check the image state before retrying.");
                    return;
                }
                mayHaveCreated |= failure != Failure.REFUSED;
                metrics.retry(target.region(), target.operation(), failure.name().toLowerCase());
            }
            if (!attempts.mayPlanAgain(target, round, began)) {
                break;
            }
            pauseBeforeReplanning();
            Route next = plan(target, response);
            if (next.isEmpty()) {
                break;
            }
            metrics.replan(target.region(), target.operation());
            route = next;
        }
        String where = "Tried hosts " + tried + " of region " + target.region() + " over "
                + Duration.ofNanos(System.nanoTime() - began).toMillis() + " ms";
        if (route.panic()) {
            problem(response, HttpStatus.SERVICE_UNAVAILABLE, "no-healthy-host", "No image-library host available",
                    "Region " + target.region() + " has no host the monitor reports UP. " + where
                            + " anyway (panic mode); none could take the request.");
            return;
        }
        problem(response, HttpStatus.BAD_GATEWAY, "upstream-unavailable", "No image-library host answered",
                where + "; none could take the request.");
    }

    private void pauseBeforeReplanning() throws IOException {
        try {
            Thread.sleep(attempts.readRounds().pause());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while waiting to plan a read again", interrupted);
        }
    }

    /** The route for a request answered to {@code response}, marked there when it was chosen in panic mode. */
    private Route plan(ProxyTarget target, HttpServletResponse response) {
        Route route = plan(target);
        if (route.panic()) {
            metrics.panic(target.region(), target.operation());
            response.setHeader(PANIC_HEADER, "true");
        }
        return route;
    }

    private Route plan(ProxyTarget target) {
        return attempts.plan(target);
    }

    /**
     * One request to one host. Image data ({@code GET/HEAD .../file}, the hot path) goes over the lean
     * {@link ImageDataClient}; every other request over the JDK HttpClient, which streams upload bodies. Both fail
     * with the same exception types. Reads are registered in {@link InFlightReads} until their body is closed, so a
     * host leaving the live set cuts them ({@link InFlightReads.Aborted}).
     */
    private UpstreamResponse send(Upstream host, ProxyTarget target, HttpServletRequest request, String method,
                                  RequestBody body, String range) throws IOException, InterruptedException {
        URI url;
        try {
            url = URI.create(withoutTrailingSlash(host.baseUrl()) + target.pathAndQuery());
        } catch (IllegalArgumentException badQuery) {
            throw new InvalidTarget("bad-path", "The request target is not a valid URI.");
        }
        if (!target.operation().isRead()) {
            HttpResponse<InputStream> answer = client.send(request(url, target, request, method, body), BodyHandlers.ofInputStream());
            return new UpstreamResponse(answer.statusCode(), answer.headers(), answer.body());
        }
        InFlightReads.Flight flight = inFlight.open(host.hostId());
        try {
            UpstreamResponse answer;
            if (target.operation() == ImageOperation.DOWNLOAD) {
                List<Map.Entry<String, String>> headers = new ArrayList<>();
                ForwardedHeaders.toUpstream(request, range != null, (name, value) -> headers.add(Map.entry(name, value)));
                if (range != null) {
                    headers.add(Map.entry("Range", range));
                }
                answer = imageData.send(method, url, headers, flight::onAbort);
            } else {
                answer = sendRead(request(url, target, request, method, body), flight);
            }
            return new UpstreamResponse(answer.status(), answer.headers(), flight.guard(answer.body()));
        } catch (IOException failed) {
            flight.close();
            throw flight.because(failed);
        } catch (RuntimeException | InterruptedException failed) {
            flight.close();
            throw failed;
        }
    }

    private HttpRequest request(URI url, ProxyTarget target, HttpServletRequest request, String method, RequestBody body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(url);
        ForwardedHeaders.toUpstream(request, false, builder::header);
        timeouts.headers(target.operation()).ifPresent(builder::timeout);
        return builder.method(method, body.publisher()).build();
    }

    /** A metadata read over the JDK HttpClient, cancellable from another thread until its body is closed. */
    private UpstreamResponse sendRead(HttpRequest read, InFlightReads.Flight flight) throws IOException, InterruptedException {
        CompletableFuture<HttpResponse<InputStream>> pending = client.sendAsync(read, BodyHandlers.ofInputStream());
        flight.onAbort(() -> pending.cancel(true));
        HttpResponse<InputStream> answer;
        try {
            answer = pending.get();
        } catch (CancellationException cut) {
            throw flight.because(new IOException("Read cancelled", cut));
        } catch (ExecutionException failed) {
            throw failed.getCause() instanceof IOException io ? io : new IOException(failed.getCause());
        }
        flight.onAbort(answer.body());
        return new UpstreamResponse(answer.statusCode(), answer.headers(), answer.body());
    }

    static String withoutTrailingSlash(URI base) {
        String s = base.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private void relay(ProxyTarget target, HttpServletRequest request, HttpServletResponse response, Upstream host,
                       UpstreamResponse answer) throws IOException {
        response.setStatus(answer.status());
        ForwardedHeaders.toClient(answer.headers(), response);
        try (InputStream in = answer.body()) {
            if (request.getMethod().equals("HEAD")) {
                return;
            }
            Optional<ResumeWindow> window = target.operation() == ImageOperation.DOWNLOAD
                    ? ResumeWindow.of(answer.status(), answer.headers().firstValueAsLong("Content-Length"),
                            answer.header("Content-Range"))
                    : Optional.empty();
            if (target.operation() == ImageOperation.CREATE && answer.status() == 201) {
                relayCreated(host, in, response.getOutputStream());
            } else if (window.isPresent()) {
                new Download(target, request, window.get(), answer.header("Content-MD5"))
                        .stream(host, in, response.getOutputStream());
            } else {
                metrics.bytes(host, "download", in.transferTo(response.getOutputStream()));
            }
        }
    }

    /** Relays a 201 to a create and remembers the image's id: an upload to it that breaks may remove it. */
    private void relayCreated(Upstream host, InputStream in, OutputStream toClient) throws IOException {
        byte[] head = in.readNBytes((int) properties.maxCreateBody().toBytes());
        imageIdIn(head).ifPresent(created::add);
        toClient.write(head);
        metrics.bytes(host, "download", head.length + in.transferTo(toClient));
    }

    /**
     * The upload's connection broke after data was sent, so it cannot be replayed: find the image's state on another
     * UP host and act on it ({@link InterruptedUpload}), so that no image of ours is left {@code saving} for good and
     * the client gets an answer it can act on.
     */
    private void afterInterruptedUpload(ProxyTarget upload, Upstream broken, Instant sentAt, HttpServletRequest request,
                                        HttpServletResponse response) throws IOException {
        String imageId = upload.imageId().orElseThrow();
        ProxyTarget image = new ProxyTarget(upload.region(), "/v2/images/" + imageId, null, ImageOperation.READ,
                Optional.of(imageId));
        for (Upstream other : plan(image).hosts()) {
            if (other.hostId().equals(broken.hostId())) {
                continue;
            }
            Optional<InterruptedUpload.Seen> seen = shownBy(other, image, request);
            if (seen.isEmpty()) {
                continue;
            }
            String status = seen.get().status();
            boolean createdHere = created.contains(imageId);
            InterruptedUpload.Action action = InterruptedUpload.decide(seen, createdHere, sentAt);
            metrics.interruptedUpload(upload.region(), action);
            log.info("Upload of image {} to host {} (region {}) broke; image is {} (updated {}) on host {}, created through "
                    + "this router: {}: {}", imageId, broken.hostId(), upload.region(), status,
                    seen.get().updatedAt().map(Instant::toString).orElse("?"), other.hostId(), createdHere, action);
            switch (action) {
                case COMPLETED -> response.setStatus(HttpStatus.NO_CONTENT.value());
                case REMOVE -> removeInterrupted(image, broken, other, status, request, response);
                case UPLOAD_AGAIN -> retryableProblem(response, "upload-interrupted", "Upload interrupted",
                        "Host " + broken.hostId() + " failed while receiving the data of image " + imageId
                                + "; the image is queued again: upload its data again.");
                case LEAVE -> problem(response, HttpStatus.BAD_GATEWAY, "upstream-failed", "Image-library host failed",
                        "Host " + broken.hostId() + " failed while receiving the data of image " + imageId + ", which is now "
                                + status + ", and neither created through this router nor moved to saving by this upload, so it is "
                                + "left as it is; delete it and create it again.");
            }
            return;
        }
        metrics.interruptedUpload(upload.region(), InterruptedUpload.decide(Optional.empty(), false, sentAt));
        problem(response, HttpStatus.BAD_GATEWAY, "upstream-failed", "Image-library host failed",
                "Host " + broken.hostId() + " failed while receiving the data of image " + imageId
                        + " and no other host could show the image's state; check it before retrying.");
    }

    private void removeInterrupted(ProxyTarget image, Upstream broken, Upstream other, String status,
                                   HttpServletRequest request, HttpServletResponse response) throws IOException {
        String imageId = image.imageId().orElseThrow();
        ProxyTarget delete = new ProxyTarget(image.region(), image.upstreamPath(), null, ImageOperation.WRITE, image.imageId());
        int deleted = exchange(other, delete, request, "DELETE").map(UpstreamResponse::status).orElse(-1);
        if (deleted == 204 || deleted == 404) {
            retryableProblem(response, "upload-interrupted", "Upload interrupted",
                    "Host " + broken.hostId() + " failed while receiving the data of image " + imageId + "; the image (left "
                            + status + ") was removed: create it again and upload its data.");
            return;
        }
        problem(response, HttpStatus.BAD_GATEWAY, "upstream-failed", "Image-library host failed",
                "Host " + broken.hostId() + " failed while receiving the data of image " + imageId + ", which is left " + status
                        + "; removing it through host " + other.hostId() + " answered " + deleted + ". Delete it and create it again.");
    }

    /** The image's status and update time as {@code host} shows them; empty if the host did not answer 200 with a status. */
    private Optional<InterruptedUpload.Seen> shownBy(Upstream host, ProxyTarget image, HttpServletRequest request) throws IOException {
        Optional<UpstreamResponse> shown = exchange(host, image, request, "GET");
        if (shown.isEmpty()) {
            return Optional.empty();
        }
        try (InputStream in = shown.get().body()) {
            byte[] json = in.readNBytes((int) properties.maxCreateBody().toBytes());
            if (shown.get().status() != 200) {
                return Optional.empty();
            }
            JsonNode fields = JSON.readTree(json);
            return textOf(fields, "status").map(status -> new InterruptedUpload.Seen(status, instantOf(fields, "updated_at")));
        } catch (JacksonException notJson) {
            return Optional.empty();
        }
    }

    private static Optional<String> textOf(JsonNode object, String field) {
        return Optional.ofNullable(object.get(field)).filter(JsonNode::isString).map(JsonNode::asString);
    }

    /** An ISO-8601 instant such as Glance's "2026-12-07T17:00:10Z"; empty if absent or not one. */
    private static Optional<Instant> instantOf(JsonNode object, String field) {
        try {
            return textOf(object, field).map(Instant::parse);
        } catch (DateTimeParseException notAnInstant) {
            return Optional.empty();
        }
    }

    /** One bodiless request the router makes on its own behalf (with the client's credentials); empty if it failed. */
    private Optional<UpstreamResponse> exchange(Upstream host, ProxyTarget target, HttpServletRequest request, String method)
            throws IOException {
        long started = System.nanoTime();
        try {
            UpstreamResponse answer = send(host, target, request, method, RequestBody.NONE, null);
            metrics.attempt(host, target.operation(), ProxyMetrics.statusOutcome(answer.status()), started);
            if (method.equals("DELETE")) {
                answer.body().close();
            }
            return Optional.of(answer);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while asking host " + host.hostId(), interrupted);
        } catch (IOException failed) {
            metrics.attempt(host, target.operation(), "failed", started);
            return Optional.empty();
        }
    }

    /** The create was replayed after it may have reached Glance, and the image exists now: answer with it. */
    private void answerWithExisting(ProxyTarget create, String imageId, HttpServletRequest request,
                                        HttpServletResponse response, Upstream host) throws IOException {
        ProxyTarget show = new ProxyTarget(create.region(), "/v2/images/" + imageId, null, ImageOperation.READ,
                Optional.of(imageId));
        long started = System.nanoTime();
        UpstreamResponse existing;
        try {
            existing = send(host, show, request, "GET", RequestBody.NONE, null);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while reading the created image", interrupted);
        }
        metrics.attempt(host, ImageOperation.READ, ProxyMetrics.statusOutcome(existing.status()), started);
        log.info("Replayed create of image {} in region {} found it on host {}: answering with it", imageId,
                create.region(), host.hostId());
        if (existing.status() == 200) {
            created.add(imageId);
        }
        try (InputStream in = existing.body()) {
            // 201 is what the client would have got had the first attempt's answer reached it.
            response.setStatus(existing.status() == 200 ? 201 : existing.status());
            ForwardedHeaders.toClient(existing.headers(), response);
            in.transferTo(response.getOutputStream());
        }
    }

    /** The UUID a create request names for its image, if any (anything else is left for Glance to refuse). */
    private static Optional<String> imageIdIn(byte[] json) {
        try {
            return textOf(JSON.readTree(json), "id").filter(value -> IMAGE_ID.matcher(value).matches());
        } catch (JacksonException notJson) {
            return Optional.empty();
        }
    }

    /** A 503 the client may retry after {@link #RETRY_AFTER_SECONDS}, as RFC 9110 lets a 503 say. */
    private static void retryableProblem(HttpServletResponse response, String slug, String title, String detail) throws IOException {
        problem(response, HttpStatus.SERVICE_UNAVAILABLE, slug, title, detail, Optional.of(RETRY_AFTER_SECONDS));
    }

    private static void problem(HttpServletResponse response, HttpStatus status, String slug, String title, String detail)
            throws IOException {
        problem(response, status, slug, title, detail, Optional.empty());
    }

    private static void problem(HttpServletResponse response, HttpStatus status, String slug, String title, String detail,
                                Optional<String> retryAfter) throws IOException {
        if (response.isCommitted()) {
            throw new IOException(title + ": " + detail);
        }
        String panic = response.getHeader(PANIC_HEADER);
        response.reset();
        if (panic != null) {
            response.setHeader(PANIC_HEADER, panic);
        }
        retryAfter.ifPresent(seconds -> response.setHeader("Retry-After", seconds));
        ProblemResponses.write(response, Problems.detail(status, slug, title, detail));
    }

    /**
     * One image body delivered to the client. When the upstream breaks, the missing span is asked from the next
     * healthy host; the client keeps reading the same response and never sees the switch.
     */
    private final class Download {
        private final ProxyTarget target;
        private final HttpServletRequest request;
        private final ResumeWindow window;
        private final String checksum;
        private long delivered;

        Download(ProxyTarget target, HttpServletRequest request, ResumeWindow window, String checksum) {
            this.target = target;
            this.request = request;
            this.window = window;
            this.checksum = checksum;
        }

        void stream(Upstream first, InputStream firstBody, OutputStream toClient) throws IOException {
            Upstream host = first;
            InputStream in = firstBody;
            byte[] buffer = new byte[COPY_BUFFER];
            int resumes = 0;
            long fromHost = 0;
            while (delivered < window.length()) {
                int n;
                IOException broken = null;
                try {
                    n = in.read(buffer, 0, (int) Math.min(buffer.length, window.length() - delivered));
                } catch (IOException e) {
                    n = -1;
                    broken = e;
                }
                // A socket timeout here is the idle timeout: the host hangs mid-body (no FIN, no RST).
                boolean stalled = broken instanceof SocketTimeoutException;
                if (n < 0) {
                    close(in);
                    metrics.bytes(host, "download", fromHost);
                    if (!(broken instanceof InFlightReads.Aborted)) { // a cut host is known bad: nothing to report
                        attempts.failed(host, target, stalled ? HostFailures.Kind.TIMEOUT : HostFailures.Kind.RESET,
                                System.nanoTime(), Failure.LOST_AFTER_SEND);
                    }
                    if (resumes++ >= properties.maxResumes()) {
                        throw new IOException("Download of " + target.upstreamPath() + " broke " + resumes
                                + " times; giving up at byte " + delivered, broken);
                    }
                    Resumed next = resume(host);
                    host = next.host();
                    in = next.body();
                    fromHost = 0;
                    continue;
                }
                try {
                    toClient.write(buffer, 0, n);
                } catch (IOException clientGone) {
                    close(in); // the stream may be a resumed one the caller does not know about
                    metrics.bytes(host, "download", fromHost);
                    throw clientGone;
                }
                delivered += n;
                fromHost += n;
                attempts.served(host);
            }
            metrics.bytes(host, "download", fromHost);
            close(in);
        }

        /**
         * The rest of the body from another host. The first plan leaves out the host that broke; later plans
         * ({@link io.imagelib.router.domain.ReadRounds}) take the live set as it is then, which may have that host back.
         */
        private Resumed resume(Upstream broken) throws IOException {
            long began = System.nanoTime();
            for (int round = 1; ; round++) {
                for (Upstream candidate : plan(target).hosts()) {
                    if (round == 1 && candidate.hostId().equals(broken.hostId())) {
                        continue;
                    }
                    Optional<Resumed> resumed = resumeOn(candidate, broken);
                    if (resumed.isPresent()) {
                        return resumed.get();
                    }
                }
                if (!attempts.mayPlanAgain(target, round, began)) {
                    break;
                }
                pauseBeforeReplanning();
                metrics.replan(target.region(), target.operation());
            }
            metrics.resume(broken, "no-host");
            throw new IOException("No healthy host could resume " + target.upstreamPath() + " at byte " + delivered
                    + " within " + Duration.ofNanos(System.nanoTime() - began).toMillis() + " ms");
        }

        private Optional<Resumed> resumeOn(Upstream candidate, Upstream broken) throws IOException {
            long started = System.nanoTime();
            try {
                UpstreamResponse answer = send(candidate, target, request, request.getMethod(), RequestBody.NONE,
                        window.rangeAfter(delivered));
                metrics.attempt(candidate, target.operation(), ProxyMetrics.statusOutcome(answer.status()), started);
                if (window.resumedBy(answer.status(), answer.header("Content-Range"), delivered)
                        && ResumeWindow.sameChecksum(checksum, answer.header("Content-MD5"))) {
                    metrics.resume(candidate, "resumed");
                    log.info("Resumed {} at byte {} on host {} (region {}) after host {} broke",
                            target.upstreamPath(), delivered, candidate.hostId(), candidate.region(), broken.hostId());
                    return Optional.of(new Resumed(candidate, answer.body()));
                }
                metrics.resume(candidate, "mismatch");
                close(answer.body());
            } catch (HttpConnectTimeoutException | ConnectException refused) {
                attempts.failed(candidate, target, HostFailures.Kind.CONNECTION_REFUSED, started, Failure.REFUSED);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted while resuming", interrupted);
            } catch (InFlightReads.Aborted cut) {
                metrics.attempt(candidate, target.operation(), "aborted", started);
            } catch (HttpTimeoutException timeout) {
                attempts.failed(candidate, target, HostFailures.Kind.TIMEOUT, started, Failure.LOST_AFTER_SEND);
            } catch (IOException lost) {
                attempts.failed(candidate, target, HostFailures.Kind.RESET, started, Failure.LOST_AFTER_SEND);
            }
            return Optional.empty();
        }
    }

    private record Resumed(Upstream host, InputStream body) {
    }

    private static void close(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // the stream is broken already
        }
    }
}
