package io.imagelib.deploy.local;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Commands that run to their end with a deadline, the one helper of ilctl and the system tests: output returned
 * ({@code ip}, {@code openstack}, keystone-local.sh) or appended to a log ({@code initdb}, {@code db_sync},
 * {@code apt-get}), where a failure is reported with the log's {@link ProcessLog#diagnosis}.
 */
public final class Shell {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    /** Exit code and merged stdout+stderr of one command. */
    public record Result(List<String> command, int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }

        public Result orThrow() {
            if (!ok()) {
                throw new IllegalStateException("`" + String.join(" ", command) + "` exited " + exitCode + ":\n" + output);
            }
            return this;
        }
    }

    private Shell() {
    }

    /** Runs the command and throws unless it exits 0. */
    public static String run(String... command) {
        return exec(DEFAULT_TIMEOUT, command).orThrow().output();
    }

    /** Runs the command; the caller looks at the exit code (for cleanup of things that may not exist). */
    public static Result attempt(String... command) {
        return exec(DEFAULT_TIMEOUT, command);
    }

    public static Result exec(Duration timeout, String... command) {
        return exec(timeout, Map.of(), command);
    }

    /** Like {@link #exec(Duration, String...)} with {@code env} added to (or replacing in) this JVM's environment. */
    public static Result exec(Duration timeout, Map<String, String> env, String... command) {
        List<String> cmd = List.of(command);
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true);
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            // Read on a virtual thread so a chatty command cannot block on a full pipe past the deadline.
            var output = new StringBuilder();
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    output.append(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException ignored) {
                    // the process was killed on timeout
                }
            });
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor();
                reader.join(1000);
                return new Result(cmd, 124, output + "\n(timed out after " + timeout + ")");
            }
            reader.join();
            return new Result(cmd, process.exitValue(), output.toString().strip());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + cmd, e);
        }
    }

    /**
     * Runs {@code command} in {@code workDir} to completion, its output appended to {@code logFile}; fails with the
     * log's diagnosis if it exits non-zero or outlives {@code timeout}.
     */
    public static void runLogged(String name, List<String> command, Path workDir, Path logFile, Duration timeout) {
        try {
            Files.createDirectories(workDir);
            Files.createDirectories(logFile.getParent());
            Process process = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                throw new IllegalStateException(name + " did not finish within " + timeout.toSeconds() + " s; "
                        + ProcessLog.diagnosis(logFile));
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(name + " failed with exit code " + process.exitValue() + "; "
                        + ProcessLog.diagnosis(logFile));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + name + " (" + String.join(" ", command) + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + name, e);
        }
    }
}
