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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Commands that run to their end with output into a log (initdb, kafka-storage format), and what a log says when something failed. */
final class ProcessLog {

    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    private ProcessLog() {
    }

    /** Runs {@code command} to completion; fails with the log's diagnosis if it exits non-zero or outlives {@code timeout}. */
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

    /** For error messages: the log's first ERROR (with the line after it, usually the exception) and its last lines. */
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
