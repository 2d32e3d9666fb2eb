package io.imagelib.systemtests;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code concurrency} clients creating and uploading small images in a loop through one URL until stopped; every
 * upload keeps its image id and SHA-256 so the caller can check afterwards that the image is active and intact.
 */
public final class UploadLoad {

    /** One create + upload: when it ran (System.nanoTime), the image id if the create answered, the error if any. */
    public record Upload(long startNanos, long endNanos, String imageId, String sha256, String error) {
        public boolean failed() {
            return error != null;
        }
    }

    private final List<Upload> uploads = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch done;
    private volatile boolean running = true;

    private UploadLoad(GlanceClient client, URI base, int concurrency, int bytesPerImage, long seed) {
        done = new CountDownLatch(concurrency);
        for (int i = 0; i < concurrency; i++) {
            Random random = new Random(seed + i);
            String prefix = "chaos-upload-" + i + "-";
            Thread.ofVirtual().name("upload-", i).start(() -> {
                try {
                    for (int n = 0; running; n++) {
                        uploads.add(upload(client, base, prefix + n, random, bytesPerImage));
                    }
                } finally {
                    done.countDown();
                }
            });
        }
    }

    /** Starts the clients; {@link #stop} ends them after their current upload. */
    public static UploadLoad start(GlanceClient client, URI base, int concurrency, int bytesPerImage, long seed) {
        return new UploadLoad(client, base, concurrency, bytesPerImage, seed);
    }

    /** Stops the clients and returns every upload they made. */
    public List<Upload> stop(Duration timeout) throws InterruptedException {
        running = false;
        if (!done.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("Upload clients still busy " + timeout + " after stop");
        }
        synchronized (uploads) {
            return List.copyOf(uploads);
        }
    }

    private static Upload upload(GlanceClient client, URI base, String name, Random random, int size) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        String sha = GlanceClient.sha256Hex(bytes);
        long t0 = System.nanoTime();
        AtomicReference<String> id = new AtomicReference<>();
        try {
            client.createAndUpload(base, name, bytes, id::set);
            return new Upload(t0, System.nanoTime(), id.get(), sha, null);
        } catch (Exception e) {
            return new Upload(t0, System.nanoTime(), id.get(), sha, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
