package io.imagelib.ilctl.stack;

import io.imagelib.ilctl.IlctlException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A command that sets something up and ends (initdb, db_sync, apt-get), its output appended to a log. */
final class SetupCommand {

    private static final Duration TIMEOUT = Duration.ofMinutes(15);

    private SetupCommand() {
    }

    /** Runs {@code command} to completion; fails with the tail of {@code log}. */
    static void run(List<String> command, Map<String, String> env, Path log) {
        if (exitCode(command, env, log) != 0) {
            throw IlctlException.stack(String.join(" ", command) + " failed; last lines of " + log + ":\n" + Logs.tail(log, 20));
        }
    }

    /** Runs {@code command} to completion and returns its exit code (for checks, where non-zero is an answer). */
    static int exitCode(List<String> command, Map<String, String> env, Path log) {
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw IlctlException.stack(String.join(" ", command) + " did not finish within " + TIMEOUT.toMinutes() + " min; see " + log);
            }
            return process.exitValue();
        } catch (IOException e) {
            throw IlctlException.stack("Cannot run " + String.join(" ", command) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw IlctlException.stack("Interrupted: " + String.join(" ", command));
        }
    }
}
