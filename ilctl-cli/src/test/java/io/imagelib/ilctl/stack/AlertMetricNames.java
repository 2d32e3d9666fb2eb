package io.imagelib.ilctl.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names alert rules use and the names a service exports, compared the way Prometheus stores them: a
 * counter {@code x} is scraped as {@code x_total}, a timer as {@code x_seconds_count}, {@code _sum}, {@code _bucket};
 * both sides are cut back to the family name.
 */
final class AlertMetricNames {

    /** Series Prometheus makes itself; no service exports them. */
    static final Set<String> MADE_BY_PROMETHEUS = Set.of("up", "ALERTS", "ALERTS_FOR_STATE");

    private static final Pattern SUFFIX = Pattern.compile("_(total|bucket|count|sum|created)$");
    private static final Pattern STRINGS = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern LABEL_LISTS =
            Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w:])([a-zA-Z_:][\\w:]*+)(?!\\s*\\()");
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "bool", "and", "or", "unless", "offset", "inf", "nan", "Inf", "NaN");

    private AlertMetricNames() {
    }

    /** Family names of the metrics an expression selects (functions, label names and keywords left out). */
    static Set<String> inExpression(String promQl) {
        String bare = STRINGS.matcher(promQl).replaceAll(" ");
        bare = bare.replaceAll("\\{[^}]*}", " ").replaceAll("\\[[^]]*]", " ");
        bare = LABEL_LISTS.matcher(bare).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(bare);
        while (m.find()) {
            if (!KEYWORDS.contains(m.group(1))) {
                names.add(family(m.group(1)));
            }
        }
        return names;
    }

    /** Family name -> the alerts that use it, for every rule of a Prometheus rule file. */
    static Map<String, Set<String>> usedByAlerts(Path ruleFile) {
        JsonNode groups;
        try {
            groups = new ObjectMapper(new YAMLFactory()).readTree(ruleFile.toFile()).path("groups");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + ruleFile, e);
        }
        Map<String, Set<String>> usedBy = new TreeMap<>();
        for (JsonNode group : groups) {
            for (JsonNode rule : group.path("rules")) {
                String name = rule.has("alert") ? rule.path("alert").asText() : rule.path("record").asText();
                inExpression(rule.path("expr").asText())
                        .forEach(metric -> usedBy.computeIfAbsent(metric, k -> new TreeSet<>()).add(name));
            }
        }
        return usedBy;
    }

    /** Family names of the samples in a Prometheus text exposition ({@code /actuator/prometheus}). */
    static Set<String> exported(String exposition) {
        Set<String> names = new TreeSet<>();
        exposition.lines().filter(line -> !line.isBlank() && !line.startsWith("#"))
                .map(line -> line.split("[{ ]", 2)[0])
                .forEach(sample -> names.add(family(sample)));
        return names;
    }

    static String family(String sampleName) {
        return SUFFIX.matcher(sampleName).replaceFirst("");
    }
}
