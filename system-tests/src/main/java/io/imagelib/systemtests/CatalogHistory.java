package io.imagelib.systemtests;

import io.imagelib.deploy.local.LocalKeystone;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * What a Keystone catalog said about a region's admin endpoint, read every {@link #INTERVAL} while open: each change
 * with the System.nanoTime of the answer that first showed it, on the same clock as {@link EventLog} and the kill.
 *
 * <p>Open only around a measurement: Keystone runs ONE worker here, and every read takes that worker for 30-300 ms,
 * so a read can make catalog-sync's own GET or PATCH wait behind it. The figures are therefore, if anything, late.
 */
public final class CatalogHistory implements AutoCloseable {

    /** Pause between two reads (a read starts only after the previous one answered). */
    public static final Duration INTERVAL = Duration.ofMillis(50);

    /** A URL the catalog showed, first seen in the answer that arrived at {@code seenNanos}. */
    public record Change(String url, long seenNanos) {
    }

    private final List<Change> changes = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private volatile boolean running = true;

    private CatalogHistory(LocalKeystone keystone, String region) {
        this.reader = Thread.ofPlatform().daemon().name("ilsys-catalog-history").start(() -> {
            while (running) {
                // Empty while Keystone does not answer (killed, restarting): not a change, just no reading.
                keystone.adminUrl(region).ifPresent(url -> {
                    if (changes.isEmpty() || !changes.getLast().url().equals(url)) {
                        changes.add(new Change(url, System.nanoTime()));
                    }
                });
                GlanceHosts.sleep(INTERVAL);
            }
        });
    }

    public static CatalogHistory watch(LocalKeystone keystone, String region) {
        return new CatalogHistory(keystone, region);
    }

    /** The first change after {@code sinceNanos} whose URL matches, waiting up to {@code timeout}. */
    public Optional<Change> await(long sinceNanos, Predicate<String> url, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        do {
            for (Change change : changes) {
                if (change.seenNanos() >= sinceNanos && url.test(change.url())) {
                    return Optional.of(change);
                }
            }
            GlanceHosts.sleep(Duration.ofMillis(5));
        } while (System.nanoTime() < deadline);
        return Optional.empty();
    }

    /** The URLs in the order the catalog showed them, each listed again only when it came back after another. */
    public List<String> urls() {
        return changes.stream().map(Change::url).toList();
    }

    @Override
    public void close() {
        running = false;
        try {
            reader.join(Duration.ofSeconds(20));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
