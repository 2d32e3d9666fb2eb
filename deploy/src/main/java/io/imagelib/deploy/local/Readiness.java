package io.imagelib.deploy.local;

import java.time.Duration;

/** Waiting for a started component to answer, failing early (with its log) when its process dies. */
public final class Readiness {

    /** Often enough that a measured restart time is the component's, not the poll's. */
    private static final Duration POLL = Duration.ofMillis(100);
    /** For callers' own wait loops, which ask a service (or Keystone's one worker) more than one question per round. */
    private static final Duration PAUSE = Duration.ofMillis(250);

    private Readiness() {
    }

    /** Returns how long {@code url} took to answer 200; fails with the log's diagnosis if the process dies or the time is up. */
    public static Duration await(StackProcess process, String url, Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        HttpProbe.Answer last = new HttpProbe.Answer(0, "");
        while (System.nanoTime() < deadline) {
            last = HttpProbe.get(url);
            if (last.ok()) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            if (process.running().isEmpty()) {
                throw new IllegalStateException(process.name() + " exited before it was ready; " + ProcessLog.diagnosis(process.logFile()));
            }
            sleep(POLL);
        }
        throw new IllegalStateException(process.name() + " not ready within " + timeout.toSeconds() + " s at " + url + " ("
                + last.describe() + "); " + ProcessLog.diagnosis(process.logFile()));
    }

    /** One poll interval of a wait loop. */
    public static void pause() {
        sleep(PAUSE);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting", e);
        }
    }
}
