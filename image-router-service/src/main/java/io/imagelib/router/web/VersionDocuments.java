package io.imagelib.router.web;

import io.imagelib.router.config.RouterProperties;
import io.imagelib.router.config.VersionDiscoveryProperties;
import io.imagelib.router.domain.HostFailures;
import io.imagelib.router.domain.ImageOperation;
import io.imagelib.router.domain.InvalidTarget;
import io.imagelib.router.domain.LiveHosts;
import io.imagelib.router.domain.ProxyTarget;
import io.imagelib.router.domain.Quarantine;
import io.imagelib.router.domain.Registration;
import io.imagelib.router.domain.RoutePlanner;
import io.imagelib.router.domain.Upstream;
import io.imagelib.router.domain.VersionLinks;
import io.imagelib.router.domain.VersionRequest;
import io.imagelib.support.web.ProblemResponses;
import io.imagelib.support.web.Problems;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Glance's version document through the router, so clients that discover versions first (keystoneauth,
 * openstacksdk, the {@code openstack} CLI) can use the router as their image endpoint. The document comes from an
 * UP host of the region (round robin, the next host on failure, failures reported like the proxy's), is kept per
 * region for a short while, and every link in it is rewritten to the router's own root ({@link VersionLinks}), so
 * the client's next request comes back here and never goes to the host directly.
 */
public final class VersionDocuments {

    private static final Logger log = LoggerFactory.getLogger(VersionDocuments.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Glance's document is ~1 KB; anything far larger is not one. */
    private static final int MAX_DOCUMENT = 64 * 1024;

    private final LiveHosts hosts;
    private final Quarantine quarantine;
    private final HostFailures failures;
    private final HttpClient client;
    private final RouterProperties router;
    private final VersionDiscoveryProperties properties;
    private final Set<String> publicHosts;
    private final ProxyMetrics metrics;
    private final MeterRegistry registry;
    private final AtomicLong turns = new AtomicLong();
    private final Map<String, Fetched> byRegion = new ConcurrentHashMap<>();

    /** A region's document as a host wrote it (links still naming the host), and when it was fetched. */
    private record Fetched(JsonNode document, long atNanos) {
    }

    public VersionDocuments(LiveHosts hosts, Quarantine quarantine, HostFailures failures, HttpClient client,
                            RouterProperties router, VersionDiscoveryProperties properties, MeterRegistry registry) {
        this.hosts = hosts;
        this.quarantine = quarantine;
        this.failures = failures;
        this.client = client;
        this.router = router;
        this.properties = properties;
        this.publicHosts = properties.publicHosts().stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        this.metrics = new ProxyMetrics(registry);
        this.registry = registry;
    }

    public void answer(VersionRequest discovery, HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
            response.setHeader("Allow", "GET, HEAD");
            problem(response, HttpStatus.METHOD_NOT_ALLOWED, "method-not-allowed", "Method not allowed",
                    "The version document is read with GET or HEAD.");
            return;
        }
        String region;
        try {
            // The region rules of the proxied API (prefix or header, names, conflicts), applied to the same prefix.
            region = ProxyTarget.parse("GET", discovery.regionPrefix() + "/v2", null,
                    request.getHeader(ProxyTarget.REGION_HEADER), router.defaultRegion()).region();
        } catch (InvalidTarget refused) {
            metrics.rejected(refused.slug());
            problem(response, HttpStatus.BAD_REQUEST, refused.slug(), "Request not answered", refused.getMessage());
            return;
        }
        Optional<JsonNode> document = document(region);
        if (document.isEmpty()) {
            unavailable(response, region);
            return;
        }
        VersionLinks links = VersionLinks.of(properties.publicUrlIfSet(), publicHosts, new VersionLinks.Arrival(request.getScheme(),
                request.getHeader("Host"), request.getLocalAddr(), request.getLocalPort()), discovery.regionPrefix());
        byte[] body = JSON.writeValueAsBytes(withRouterLinks(document.get(), links));
        response.setStatus(discovery.status());
        response.setContentType("application/json");
        response.setContentLength(body.length);
        if (request.getMethod().equals("GET")) {
            response.getOutputStream().write(body);
        }
    }

    /** The region's document: fresh from the cache, else fetched, else the last one fetched (stale beats none). */
    private Optional<JsonNode> document(String region) {
        Fetched cached = byRegion.get(region);
        if (cached != null && System.nanoTime() - cached.atNanos() < properties.cache().toNanos()) {
            count(region, "cached");
            return Optional.of(cached.document());
        }
        Optional<JsonNode> fetched = fetch(region);
        if (fetched.isPresent()) {
            byRegion.put(region, new Fetched(fetched.get(), System.nanoTime()));
            count(region, "fetched");
            return fetched;
        }
        count(region, cached == null ? "unavailable" : "stale");
        return Optional.ofNullable(cached).map(Fetched::document);
    }

    private Optional<JsonNode> fetch(String region) {
        long now = System.currentTimeMillis();
        List<Upstream> plan = RoutePlanner.plan(hosts.snapshot(), region, ImageOperation.READ, turns.getAndIncrement(),
                hostId -> quarantine.contains(hostId, now), hostId -> quarantine.refused(hostId, now),
                Registration::publicUrl).hosts();
        for (Upstream host : plan) {
            long started = System.nanoTime();
            try {
                Optional<JsonNode> document = fetchFrom(host, started);
                if (document.isPresent()) {
                    return document;
                }
            } catch (HttpConnectTimeoutException | ConnectException refused) {
                failed(host, HostFailures.Kind.CONNECTION_REFUSED, started);
            } catch (HttpTimeoutException timeout) {
                failed(host, HostFailures.Kind.TIMEOUT, started);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            } catch (IOException lost) {
                failed(host, HostFailures.Kind.RESET, started);
            }
        }
        return Optional.empty();
    }

    /** {@code GET <host>/versions}; empty when the host answered but not with a version document. */
    private Optional<JsonNode> fetchFrom(Upstream host, long started) throws IOException, InterruptedException {
        URI url = URI.create(host.baseUrl().toString().replaceFirst("/+$", "") + "/versions");
        HttpRequest get = HttpRequest.newBuilder(url).header("Accept", "application/json").timeout(router.responseTimeout()).GET().build();
        HttpResponse<InputStream> answer = client.send(get, BodyHandlers.ofInputStream());
        byte[] body;
        try (InputStream in = answer.body()) {
            body = in.readNBytes(MAX_DOCUMENT + 1);
        }
        metrics.attempt(host, ImageOperation.READ, ProxyMetrics.statusOutcome(answer.statusCode()), started);
        if (answer.statusCode() == 503) {
            quarantine.add(host.hostId(), System.currentTimeMillis());
            failures.observed(host, HostFailures.Kind.HTTP_5XX, "503 on the version document");
            return Optional.empty();
        }
        Optional<JsonNode> document = answer.statusCode() / 100 == 2 || answer.statusCode() == 300 ? versionDocument(body) : Optional.empty();
        if (document.isEmpty()) {
            log.warn("Host {} (region {}) answered GET /versions with {} and no version document; trying the next host",
                    host.hostId(), host.region(), answer.statusCode());
        }
        return document;
    }

    private static Optional<JsonNode> versionDocument(byte[] body) {
        if (body.length > MAX_DOCUMENT) {
            return Optional.empty();
        }
        try {
            JsonNode document = JSON.readTree(body);
            return document.path("versions").isArray() ? Optional.of(document) : Optional.empty();
        } catch (JacksonException notJson) {
            return Optional.empty();
        }
    }

    /** A copy of the document whose every link names the router; links that name no API version are left out. */
    static JsonNode withRouterLinks(JsonNode document, VersionLinks links) {
        JsonNode copy = document.deepCopy();
        for (JsonNode version : copy.path("versions")) {
            if (!(version.path("links") instanceof ArrayNode versionLinks)) {
                continue;
            }
            List<JsonNode> kept = new ArrayList<>();
            for (JsonNode link : versionLinks) {
                Optional<String> href = link.path("href").isString() ? links.rewrite(link.path("href").asString()) : Optional.empty();
                if (link instanceof ObjectNode object && href.isPresent()) {
                    object.put("href", href.get());
                    kept.add(object);
                }
            }
            versionLinks.removeAll();
            versionLinks.addAll(kept);
        }
        return copy;
    }

    private void failed(Upstream host, HostFailures.Kind kind, long started) {
        metrics.attempt(host, ImageOperation.READ, kind.name().toLowerCase(Locale.ROOT), started);
        quarantine.add(host.hostId(), System.currentTimeMillis());
        failures.observed(host, kind, kind + " on the version document");
    }

    private void unavailable(HttpServletResponse response, String region) throws IOException {
        if (hosts.snapshot().healthy(region).isEmpty()) {
            problem(response, HttpStatus.SERVICE_UNAVAILABLE, "no-healthy-host", "No image-library host available",
                    "Region " + region + " has no registered image-library host that is UP. Check the host roles and the host monitor.");
        } else {
            problem(response, HttpStatus.BAD_GATEWAY, "upstream-unavailable", "No image-library host answered",
                    "No UP host of region " + region + " answered GET /versions with a version document.");
        }
    }

    private void count(String region, String outcome) {
        registry.counter("imagelib.router.versions", "region", region, "outcome", outcome).increment();
    }

    private static void problem(HttpServletResponse response, HttpStatus status, String slug, String title, String detail)
            throws IOException {
        ProblemResponses.write(response, Problems.detail(status, slug, title, detail));
    }
}
