package io.imagelib.glancesim;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Fault switches a test flips at run time, thread-safe. Each models something a real Glance host does when it dies
 * or is overloaded, so clients can be tested against it.
 */
public final class Faults {

    /** Downloads still to start before the faulty one; -1 when none is to fail. */
    private final AtomicInteger downloadsUntilFault = new AtomicInteger(-1);
    private final AtomicReference<DownloadFault> downloadFault = new AtomicReference<>();
    private final AtomicInteger unavailableResponses = new AtomicInteger();
    private final AtomicLong throttleBytesPerSecond = new AtomicLong();
    private final AtomicInteger lostCreateAnswers = new AtomicInteger();
    /** Open while the host hangs: requests and bodies in progress wait on it, answering nothing (no FIN, no RST). */
    private final AtomicReference<CountDownLatch> hang = new AtomicReference<>();

    /**
     * The {@code nth} download started from now on (1 = the next one) sends {@code afterBytes} bytes of its body and
     * then the connection is closed, like a host that crashes mid-transfer.
     */
    public void breakDownload(int nth, long afterBytes) {
        arm(nth, new DownloadFault(afterBytes, Duration.ZERO));
    }

    /**
     * The {@code nth} download started from now on sends {@code afterBytes} bytes and then sends nothing for
     * {@code pause} with the connection open, like a host that hangs (no FIN, no RST), then goes on.
     */
    public void stallDownload(int nth, long afterBytes, Duration pause) {
        arm(nth, new DownloadFault(afterBytes, pause));
    }

    private void arm(int nth, DownloadFault fault) {
        if (nth < 1 || fault.afterBytes() < 0) {
            throw new IllegalArgumentException("nth >= 1 and afterBytes >= 0 required");
        }
        downloadFault.set(fault);
        downloadsUntilFault.set(nth);
    }

    /** The next {@code count} API requests (not /healthcheck) are answered 503 without being processed. */
    public void answerUnavailable(int count) {
        unavailableResponses.set(count);
    }

    /**
     * The next {@code count} image creates are carried out, then the connection drops before the answer is sent,
     * like a host that dies right after committing: the client cannot know whether the image exists.
     */
    public void loseCreateAnswers(int count) {
        lostCreateAnswers.set(count);
    }

    /** Limits each download to about this many bytes per second (0 = unlimited), so tests can act mid-stream. */
    public void throttleDownloads(long bytesPerSecond) {
        throttleBytesPerSecond.set(Math.max(0, bytesPerSecond));
    }

    /**
     * The host hangs, like a host whose link went down: new requests (healthchecks included) are accepted and never
     * answered, and bodies in progress stop mid-stream with the connection open, until {@link #clear()}.
     */
    public void hang() {
        hang.compareAndSet(null, new CountDownLatch(1));
    }

    public void clear() {
        CountDownLatch hung = hang.getAndSet(null);
        if (hung != null) {
            hung.countDown();
        }
        downloadsUntilFault.set(-1);
        unavailableResponses.set(0);
        throttleBytesPerSecond.set(0);
        lostCreateAnswers.set(0);
    }

    /** Called once per download that starts: the fault it must suffer, if it is the armed one. */
    Optional<DownloadFault> faultForNewDownload() {
        int left = downloadsUntilFault.getAndUpdate(n -> n > 0 ? n - 1 : n);
        return left == 1 ? Optional.of(downloadFault.get()) : Optional.empty();
    }

    /** After {@code afterBytes}: a zero pause cuts the connection, a positive one stalls it. */
    record DownloadFault(long afterBytes, Duration stall) {
    }

    /** Blocks the calling request while the host hangs. */
    void awaitNotHung() {
        CountDownLatch hung = hang.get();
        if (hung != null) {
            try {
                hung.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    boolean takeUnavailable() {
        return unavailableResponses.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    }

    boolean takeLostCreateAnswer() {
        return lostCreateAnswers.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    }

    long throttle() {
        return throttleBytesPerSecond.get();
    }
}
