package io.imagelib.ilctl.stack;

import io.imagelib.deploy.local.ProcessLog;
import io.imagelib.deploy.local.StackProcess;
import io.imagelib.ilctl.IlctlException;
import io.imagelib.ilctl.output.HumanDuration;
import java.time.Duration;

/** Waiting for a started component to answer, failing early (with its log) when its process dies. */
final class Readiness {

    private static final Duration POLL = Duration.ofMillis(250);

    private Readiness() {
    }

    /** Returns once {@code url} answers 200; else fails with the last lines of the component's log. */
    static void await(StackProcess process, String url, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpProbe.Answer last = new HttpProbe.Answer(0, "");
        while (System.nanoTime() < deadline) {
            last = HttpProbe.get(url);
            if (last.ok()) {
                return;
            }
            if (process.running().isEmpty()) {
                throw IlctlException.stack(process.name() + " exited before it was ready; last lines of " + process.logFile()
                        + ":\n" + ProcessLog.tail(process.logFile(), 30));
            }
            pause();
        }
        throw IlctlException.stack(process.name() + " not ready within " + HumanDuration.of(timeout) + " at " + url + " ("
                + last.describe() + "); last lines of " + process.logFile() + ":\n" + ProcessLog.tail(process.logFile(), 30));
    }

    static void pause() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw IlctlException.stack("Interrupted while waiting");
        }
    }
}
