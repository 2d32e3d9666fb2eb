package io.imagelib.ilctl.output;

import java.time.Duration;

/** Durations as people write them: 850ms, 8s, 12.5s, 2m05s, 1h02m (never ISO-8601's PT8S). */
public final class HumanDuration {

    private HumanDuration() {
    }

    public static String of(Duration duration) {
        long millis = duration.toMillis();
        if (millis < 1000) {
            return millis + "ms";
        }
        if (millis < 10_000) {
            // Under 10 s a tenth still says something (a 1.4s step is not a 1s step).
            long tenths = Math.round(millis / 100.0);
            return tenths % 10 == 0 ? tenths / 10 + "s" : tenths / 10 + "." + tenths % 10 + "s";
        }
        long seconds = Math.round(millis / 1000.0);
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return "%dm%02ds".formatted(seconds / 60, seconds % 60);
        }
        long minutes = Math.round(seconds / 60.0);
        return "%dh%02dm".formatted(minutes / 60, minutes % 60);
    }
}
