package io.imagelib.systemtests;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.LongConsumer;

/**
 * {@code concurrency} clients downloading one image in a loop through one URL for a bounded time, each download
 * checked by SHA-256. A fault is injected at a chosen moment; the result says which requests failed and when.
 */
public final class DownloadLoad {

    /** One request: when it started and ended (System.nanoTime), and the error if it failed. */
    public record Outcome(long startNanos, long endNanos, String error) {
        public boolean failed() {
            return error != null;
        }
    }

    /** Every request of a run, and the instant (System.nanoTime) the fault was injected. */
    public record Result(List<Outcome> outcomes, long faultNanos) {

        public long total() {
            return outcomes.size();
        }

        public long failed() {
            return outcomes.stream().filter(Outcome::failed).count();
        }

        /** From the fault to the end of the last failed request; zero when nothing failed. */
        public Duration recovery() {
            return outcomes.stream().filter(Outcome::failed)
                    .mapToLong(o -> Math.max(0, o.endNanos() - faultNanos))
                    .max().stream().mapToObj(Duration::ofNanos).findFirst().orElse(Duration.ZERO);
        }

        /** A few distinct errors, for the report. */
        public List<String> sampleErrors() {
            return outcomes.stream().filter(Outcome::failed).map(Outcome::error).distinct().limit(3).toList();
        }
    }

    private final GlanceClient client;
    private final int concurrency;

    public DownloadLoad(GlanceClient client, int concurrency) {
        this.client = client;
        this.concurrency = concurrency;
    }

    /** A load that was started and runs until its end time; {@link #await} collects it. */
    public final class Running {
        private final List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        private final CountDownLatch done = new CountDownLatch(concurrency);
        private volatile boolean stopped;

        private Running(URI base, String imageId, String expectedSha256, long endNanos) {
            for (int i = 0; i < concurrency; i++) {
                Thread.ofVirtual().name("download-", i).start(() -> {
                    try {
                        while (!stopped && System.nanoTime() < endNanos) {
                            outcomes.add(download(base, imageId, expectedSha256));
                        }
                    } finally {
                        done.countDown();
                    }
                });
            }
        }

        /** Ends the clients after their current download, before the end time. */
        public void stop() {
            stopped = true;
        }

        /** Waits for every client to finish; {@code faultNanos} is when the fault was injected. */
        public Result await(long faultNanos) throws InterruptedException {
            done.await();
            return new Result(List.copyOf(outcomes), faultNanos);
        }
    }

    /** Starts the clients; they stop by themselves after {@code duration}. */
    public Running start(URI base, String imageId, String expectedSha256, Duration duration) {
        return new Running(base, imageId, expectedSha256, System.nanoTime() + duration.toNanos());
    }

    /**
     * Runs the load for {@code duration}; {@code fault} is called once, {@code faultAfter} after the start, with
     * the System.nanoTime just before it runs.
     */
    public Result run(URI base, String imageId, String expectedSha256, Duration duration, Duration faultAfter, LongConsumer fault)
            throws InterruptedException {
        Running running = start(base, imageId, expectedSha256, duration);
        Thread.sleep(faultAfter);
        long faultNanos = System.nanoTime();
        fault.accept(faultNanos);
        return running.await(faultNanos);
    }

    private Outcome download(URI base, String imageId, String expectedSha256) {
        long t0 = System.nanoTime();
        try {
            String sha = client.downloadSha256(base, imageId);
            return new Outcome(t0, System.nanoTime(), sha.equals(expectedSha256) ? null : "sha256 mismatch " + sha);
        } catch (Exception e) {
            return new Outcome(t0, System.nanoTime(), e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
