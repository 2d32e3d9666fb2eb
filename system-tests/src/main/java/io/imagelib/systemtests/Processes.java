package io.imagelib.systemtests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/** Ending the child processes this JVM started: by their Process handle, so only ever our own PIDs. */
final class Processes {

    private Processes() {
    }

    /** Starts {@code command} with stdout and stderr appended to {@code log}, no stdin, extra environment {@code env}. */
    static Process start(List<String> command, Path log, Map<String, String> env) {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            // Children outlive a JVM that is stopped (Ctrl-C, timeout): take them down with it.
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "ilsys-stop-" + process.pid()));
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + command, e);
        }
    }

    /** SIGKILL, as a crash, and wait until the PID is gone. */
    static void kill(Process process) {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM to all at once (they shut down in parallel), SIGKILL to any still running after {@code grace}. */
    static void stopAll(Collection<Process> processes, Duration grace) {
        processes.stream().filter(Objects::nonNull).filter(Process::isAlive).forEach(Process::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        for (Process process : processes) {
            if (process == null) {
                continue;
            }
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!process.waitFor(left, TimeUnit.NANOSECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
