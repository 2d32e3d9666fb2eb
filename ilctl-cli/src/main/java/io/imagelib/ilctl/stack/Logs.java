package io.imagelib.ilctl.stack;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Log tails for error messages: the lines that say why a component did not start. */
final class Logs {

    /** Enough for the last lines of a stack trace; a service log can be large, so only its end is read. */
    private static final int TAIL_BYTES = 64 * 1024;

    private Logs() {
    }

    static String tail(Path file, int lines) {
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
