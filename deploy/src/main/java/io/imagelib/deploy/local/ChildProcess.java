package io.imagelib.deploy.local;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A JVM we started (or found again through its pid file): output goes to a log file, the PID to a pid file, and
 * stopping signals only that PID. A pid file alone is never trusted: the PID must still run a command line that
 * names {@code marker} (a path unique to this process), so a recycled PID is never signalled.
 */
final class ChildProcess {

    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    private final String name;
    private final ProcessHandle handle;
    private final Path logFile;
    private final Path pidFile;
    private final Thread shutdownHook;

    private ChildProcess(String name, ProcessHandle handle, Path logFile, Path pidFile, Thread shutdownHook) {
        this.name = name;
        this.handle = handle;
        this.logFile = logFile;
        this.pidFile = pidFile;
        this.shutdownHook = shutdownHook;
    }

    /** Starts {@code command} in {@code workDir}, appending stdout and stderr to {@code logFile}. */
    static ChildProcess start(String name, List<String> command, Path workDir, Path logFile, Path pidFile, Lifetime lifetime) {
        Process process;
        try {
            Files.createDirectories(workDir);
            process = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            Files.writeString(pidFile, process.pid() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name + " (" + String.join(" ", command) + ")", e);
        }
        Thread hook = null;
        if (lifetime == Lifetime.TIED_TO_THIS_JVM) {
            ProcessHandle handle = process.toHandle();
            hook = new Thread(handle::destroyForcibly, "stop " + name);
            Runtime.getRuntime().addShutdownHook(hook);
        }
        return new ChildProcess(name, process.toHandle(), logFile, pidFile, hook);
    }

    /** The process recorded in {@code pidFile}, if it is alive and its command line contains {@code marker}. */
    static Optional<ChildProcess> find(String name, Path pidFile, String marker, Path logFile) {
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile).trim());
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(h -> h.info().commandLine().orElse("").contains(marker))
                .map(h -> new ChildProcess(name, h, logFile, pidFile, null));
    }

    /** Runs {@code command} to completion; fails with the log tail if it exits non-zero or outlives {@code timeout}. */
    static void runToCompletion(String name, List<String> command, Path workDir, Path logFile, Duration timeout) {
        try {
            Files.createDirectories(workDir);
            Process process = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                throw new IllegalStateException(name + " did not finish within " + timeout.toSeconds() + " s; "
                        + diagnosis(logFile));
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(name + " failed with exit code " + process.exitValue() + "; "
                        + diagnosis(logFile));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + name + " (" + String.join(" ", command) + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + name, e);
        }
    }

    public long pid() {
        return handle.pid();
    }

    public boolean isAlive() {
        return handle.isAlive();
    }

    /** SIGTERM, up to {@code grace} for a clean exit, then SIGKILL. Returns once the PID is gone. */
    public void stop(Duration grace) {
        if (handle.isAlive()) {
            handle.destroy();
            if (!awaitExit(grace)) {
                handle.destroyForcibly();
                if (!awaitExit(KILL_WAIT)) {
                    throw new IllegalStateException(name + " (PID " + pid() + ") survived SIGKILL for " + KILL_WAIT.toSeconds() + " s");
                }
            }
        }
        forget();
    }

    /** SIGKILL, as a crash or a pulled plug would: no clean shutdown. Returns once the PID is gone. */
    public void kill() {
        handle.destroyForcibly();
        if (!awaitExit(KILL_WAIT)) {
            throw new IllegalStateException(name + " (PID " + pid() + ") survived SIGKILL for " + KILL_WAIT.toSeconds() + " s");
        }
        forget();
    }

    /** For error messages: the log's first ERROR (with the line after it, usually the exception) and its last lines. */
    public String diagnosis() {
        return diagnosis(logFile);
    }

    static String diagnosis(Path log) {
        return firstError(log).map(e -> "first error in " + log + ":\n" + e + "\n").orElse("")
                + "last lines of " + log + ":\n" + tail(log, 30);
    }

    /** A failed JVM logs its cause first and pages of shutdown noise after it, so the tail alone often misses it. */
    private static Optional<String> firstError(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (Stream<String> all = Files.lines(file, StandardCharsets.UTF_8)) {
            List<String> lines = all.toList();
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).contains(" ERROR ")) {
                    return Optional.of(String.join("\n", lines.subList(i, Math.min(i + 2, lines.size()))));
                }
            }
            return Optional.empty();
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    private boolean awaitExit(Duration timeout) {
        try {
            handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !handle.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for " + name + " to exit", e);
        }
    }

    private void forget() {
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete pid file " + pidFile, e);
        }
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running or about to; it only kills a process that is already gone
            }
        }
    }

    static String tail(Path file, int lines) {
        if (!Files.isRegularFile(file)) {
            return "(no log at " + file + ")";
        }
        Deque<String> last = new ArrayDeque<>(lines);
        try (Stream<String> all = Files.lines(file, StandardCharsets.UTF_8)) {
            all.forEach(line -> {
                if (last.size() == lines) {
                    last.removeFirst();
                }
                last.addLast(line);
            });
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
        return String.join("\n", last);
    }
}
