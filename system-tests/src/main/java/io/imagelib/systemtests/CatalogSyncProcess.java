package io.imagelib.systemtests;

import io.imagelib.deploy.local.ServiceModule;
import io.imagelib.deploy.local.LocalKeystone;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * catalog-sync as a user runs it ({@code java -jar catalog-sync/target/catalog-sync-*.jar}) on a {@link ServiceStack},
 * logged in to a real Keystone as its own service user, and what its health endpoint says per region.
 */
public final class CatalogSyncProcess {

    /**
     * Retry pacing while Keystone is down: capped at 2 s (the default cap is 10 s) so "Keystone back -> catalog
     * converged" measures Keystone and catalog-sync, not where the backoff happened to be when Keystone returned.
     */
    static final String BACKOFF_MAX = "2s";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One region as catalog-sync reports it in {@code /actuator/health/catalogSync}. */
    public record RegionState(long desiredEpoch, long lastSyncedEpoch, long failedAttempts) {
    }

    /** One PATCH that Keystone answered, as catalog-sync logs it: the epoch it was for and the URL it set. */
    public record Patch(long epoch, String url) {
    }

    // CatalogSyncer's line after each answered PATCH: "region R epoch N: admin endpoint ID FROM -> TO (host H)".
    private static final Pattern PATCH_LINE = Pattern.compile("region (\\S+) epoch (\\d+): admin endpoint \\S+ \\S+ -> (\\S+) \\(host");

    private final URI url;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private CatalogSyncProcess(URI url, Path log) {
        this.url = url;
        this.log = log;
    }

    /** Starts catalog-sync on the stack and waits for its readiness (admin-endpoint read to the end). */
    public static CatalogSyncProcess start(ServiceStack stack, LocalKeystone keystone) {
        Map<String, String> env = new LinkedHashMap<>(keystone.catalogSyncLogin());
        env.put("IMAGELIB_CATALOGSYNC_BACKOFF_MAX", BACKOFF_MAX);
        URI url = stack.startModule(ServiceModule.CATALOG_SYNC, env);
        return new CatalogSyncProcess(url, stack.log(ServiceModule.CATALOG_SYNC.module()));
    }

    /** Every admin-endpoint PATCH catalog-sync made for the region so far, in order (from its log). */
    public List<Patch> patches(String region) {
        try (Stream<String> lines = Files.lines(log)) {
            return lines.map(PATCH_LINE::matcher).filter(Matcher::find).filter(m -> m.group(1).equals(region))
                    .map(m -> new Patch(Long.parseLong(m.group(2)), m.group(3))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + log, e);
        }
    }

    /** The region's entry of catalog-sync's health; epochs -1 while it has none (or the endpoint does not answer). */
    public RegionState region(String region) {
        try {
            String body = http.send(HttpRequest.newBuilder(url.resolve("/actuator/health/catalogSync"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
            JsonNode detail = JSON.readTree(body).path("details").path(region);
            return new RegionState(detail.path("desiredEpoch").asLong(-1), detail.path("lastSyncedEpoch").asLong(-1),
                    detail.path("failedAttempts").asLong(0));
        } catch (IOException | RuntimeException unavailable) {
            return new RegionState(-1, -1, 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    /** Waits until catalog-sync has brought Keystone to {@code epoch} (or later) for the region. */
    public void awaitSynced(String region, long epoch, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RegionState state;
        while ((state = region(region)).lastSyncedEpoch() < epoch) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("catalog-sync did not sync " + region + " to epoch " + epoch + " within "
                        + timeout + ": " + state);
            }
            GlanceHosts.sleep(Duration.ofMillis(200));
        }
    }
}
