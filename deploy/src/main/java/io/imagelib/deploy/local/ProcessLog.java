package io.imagelib.deploy.local;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** What a component's log says when something failed: for the error messages of ilctl, the system tests and the deploy launchers. */
public final class ProcessLog {

    /** Enough for the last lines of a stack trace. */
    private static final int TAIL_BYTES = 64 * 1024;

    private ProcessLog() {
    }

    /** For error messages: the log's first ERROR (with the line after it, usually the exception) and its last lines. */
    public static String diagnosis(Path log) {
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

    /** The last {@code lines} lines; a service log can be large, so only its end is read. */
    public static String tail(Path file, int lines) {
        if (!Files.isRegularFile(file)) {
            return "(no log at " + file + ")";
        }
        try (RandomAccessFile log = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(0, log.length() - TAIL_BYTES);
            byte[] end = new byte[(int) (log.length() - start)];
            log.seek(start);
            log.readFully(end);
            List<String> all = new String(end, StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }
}
