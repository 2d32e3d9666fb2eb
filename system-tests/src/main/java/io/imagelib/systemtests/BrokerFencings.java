package io.imagelib.systemtests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The brokers the active controller fenced because their session timed out, read from the Kafka nodes' logs: when a
 * killed broker stopped counting as a leader, and whether a live one was fenced too (a session timeout too short for
 * the machine's load: flapping).
 */
public final class BrokerFencings {

    /** One "Fencing broker N ... because its session has timed out" line. */
    public record Fencing(int brokerId, Instant at) {
    }

    // [2026-11-25 21:20:46,172] INFO [QuorumController id=3] Fencing broker 1 at epoch 15 because its session has timed out.
    private static final Pattern LINE = Pattern.compile(
            "^\\[(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2},\\d{3})] .*Fencing broker (\\d+) at epoch \\d+ because its session has timed out");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");

    private BrokerFencings() {
    }

    /** Every session-timeout fencing in {@code logs} at or after {@code since}, in time order. */
    public static List<Fencing> since(Collection<Path> logs, Instant since) {
        List<Fencing> fencings = new ArrayList<>();
        for (Path log : logs) {
            if (!Files.isRegularFile(log)) {
                continue;
            }
            try (var lines = Files.lines(log)) {
                lines.map(LINE::matcher).filter(Matcher::find).map(BrokerFencings::fencing)
                        .filter(f -> !f.at().isBefore(since)).forEach(fencings::add);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + log, e);
            }
        }
        fencings.sort(Comparator.comparing(Fencing::at));
        return fencings;
    }

    /** The broker log's timestamps are the JVM's local time (log4j's default), on this machine's clock. */
    static Fencing fencing(Matcher m) {
        Instant at = LocalDateTime.parse(m.group(1), TIME).atZone(ZoneId.systemDefault()).toInstant();
        return new Fencing(Integer.parseInt(m.group(2)), at);
    }

    static Fencing parse(String line) {
        Matcher m = LINE.matcher(line);
        if (!m.find()) {
            throw new IllegalArgumentException("Not a fencing line: " + line);
        }
        return fencing(m);
    }
}
