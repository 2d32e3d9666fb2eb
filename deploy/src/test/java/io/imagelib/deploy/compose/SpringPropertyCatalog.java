package io.imagelib.deploy.compose;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Spring properties one service really reads, derived from the source tree at test time: its application*.yml
 * keys and {@code ${VAR}} placeholders, the {@code @ConfigurationProperties} records of the module and of
 * service-support (components in kebab case, nested records followed), {@code @Value} keys, and the configuration
 * metadata of the Spring Boot modules on this classpath. Whether an environment variable reaches one of them is
 * decided by Spring Boot's own relaxed binding ({@link SystemEnvironmentPropertySource}), not by a re-implementation.
 */
public final class SpringPropertyCatalog {

    /** Read by the JVM itself, not by Spring. */
    private static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS");

    private static final Pattern CONFIG_PROPERTIES = Pattern.compile(
            "@ConfigurationProperties\\(\\s*(?:(?:prefix|value)\\s*=\\s*)?\"([^\"]+)\"\\s*\\)[^;{]*?\\brecord\\s+(\\w+)\\s*\\(");
    private static final Pattern VALUE_ANNOTATION = Pattern.compile("@Value\\(\\s*\"\\$\\{([^}:\"]+)");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)[:}]");
    private static final Pattern ANNOTATION = Pattern.compile("@[\\w.]+(\\s*\\((?:[^()]|\\([^()]*\\))*\\))?");

    private static volatile Boot boot;

    private final String module;
    private final Set<String> leaves = new TreeSet<>();
    private final Set<String> mapPrefixes = new TreeSet<>();
    private final Set<String> placeholders = new TreeSet<>();

    private SpringPropertyCatalog(String module) {
        this.module = module;
    }

    /** The catalogue of {@code module} (a directory under {@code root}); service-support is always included. */
    public static SpringPropertyCatalog of(Path root, String module) {
        SpringPropertyCatalog catalog = new SpringPropertyCatalog(module);
        Boot metadata = bootMetadata();
        catalog.leaves.addAll(metadata.leaves());
        catalog.mapPrefixes.addAll(metadata.mapPrefixes());
        for (String sourceModule : List.of("service-support", module)) {
            catalog.scanJava(root.resolve(sourceModule).resolve("src/main/java"));
        }
        catalog.scanYaml(root.resolve(module).resolve("src/main/resources"));
        return catalog;
    }

    /** Empty when {@code variable} reaches a property the service reads; otherwise why not. */
    public Optional<String> problemWith(String variable) {
        if (JVM_VARIABLES.contains(variable) || placeholders.contains(variable)) {
            return Optional.empty();
        }
        ConfigurationPropertySource source = environmentWith(variable);
        for (String leaf : leaves) {
            if (source.getConfigurationProperty(ConfigurationPropertyName.of(leaf)) != null) {
                return Optional.empty();
            }
        }
        for (String prefix : mapPrefixes) {
            if (source.containsDescendantOf(ConfigurationPropertyName.of(prefix)) == ConfigurationPropertyState.PRESENT) {
                return Optional.empty();
            }
        }
        return Optional.of(variable + " binds to no property " + module + " reads (relaxed binding: "
                + variable.toLowerCase(Locale.ROOT).replace('_', '.') + "), nor to a ${" + variable + "} placeholder of its application.yml");
    }

    private static ConfigurationPropertySource environmentWith(String variable) {
        // The name makes Spring apply its environment-variable mapper, exactly as for the real process environment.
        return ConfigurationPropertySource.from(new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of(variable, "x")));
    }

    private void scanJava(Path sources) {
        if (!Files.isDirectory(sources)) {
            return;
        }
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String text = Files.readString(file);
                Matcher records = CONFIG_PROPERTIES.matcher(text);
                while (records.find()) {
                    addRecord(text, records.group(1), records.end() - 1);
                }
                Matcher values = VALUE_ANNOTATION.matcher(text);
                while (values.find()) {
                    addProperty(values.group(1).trim());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Adds the components of the record whose parameter list opens at {@code open}; follows nested records. */
    private void addRecord(String text, String prefix, int open) {
        for (String parameter : splitTopLevel(text.substring(open + 1, closingParen(text, open)))) {
            String declaration = ANNOTATION.matcher(parameter).replaceAll(" ").trim().replaceAll("\\s+", " ");
            int space = declaration.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            String type = declaration.substring(0, space);
            String property = prefix + "." + kebab(declaration.substring(space + 1));
            String elementType = type.replaceAll("^(?:List|Set|Collection)<(.+)>$", "$1");
            Matcher nested = Pattern.compile("\\brecord\\s+" + Pattern.quote(elementType) + "\\s*\\(").matcher(text);
            if (type.startsWith("Map<")) {
                mapPrefixes.add(property);
            } else if (nested.find()) {
                // A list of records binds by index (tokens[0].token): accept what lies under it.
                if (!elementType.equals(type)) {
                    mapPrefixes.add(property);
                }
                addRecord(text, property, nested.end() - 1);
            } else {
                leaves.add(property);
            }
        }
    }

    private void scanYaml(Path resources) {
        if (!Files.isDirectory(resources)) {
            return;
        }
        try (Stream<Path> files = Files.list(resources)) {
            for (Path file : files.filter(f -> f.getFileName().toString().matches("application.*\\.ya?ml")).toList()) {
                String text = Files.readString(file);
                Matcher variables = PLACEHOLDER.matcher(text);
                while (variables.find()) {
                    if (!variables.group(1).contains(".")) {
                        placeholders.add(variables.group(1));
                    }
                }
                for (Object document : new Yaml(new LoaderOptions()).loadAll(text)) {
                    flatten("", document);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void flatten(String prefix, Object node) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> flatten(prefix.isEmpty() ? String.valueOf(key) : prefix + "." + key, value));
        } else if (node instanceof List<?> list && list.stream().anyMatch(Map.class::isInstance)) {
            for (int i = 0; i < list.size(); i++) {
                flatten(prefix + "[" + i + "]", list.get(i));
            }
        } else {
            addProperty(prefix);
        }
    }

    private void addProperty(String name) {
        // Map keys such as X-Identity-Status are not canonical names; their parent map is what binds.
        String canonical = name.toLowerCase(Locale.ROOT);
        if (ConfigurationPropertyName.isValid(canonical)) {
            leaves.add(canonical);
        }
    }

    private record Boot(Set<String> leaves, Set<String> mapPrefixes) {
    }

    /** Every spring-configuration-metadata.json on the classpath (the Boot modules the services use). */
    private static Boot bootMetadata() {
        Boot cached = boot;
        if (cached != null) {
            return cached;
        }
        Set<String> leaves = new TreeSet<>();
        Set<String> maps = new TreeSet<>();
        JsonMapper json = JsonMapper.builder().build();
        try {
            for (URL url : Collections.list(SpringPropertyCatalog.class.getClassLoader()
                    .getResources("META-INF/spring-configuration-metadata.json"))) {
                try (InputStream in = url.openStream()) {
                    for (JsonNode property : json.readTree(in).path("properties")) {
                        String name = property.path("name").asString();
                        if (!ConfigurationPropertyName.isValid(name)) {
                            continue;
                        }
                        String type = property.path("type").asString("");
                        (type.startsWith("java.util.Map<") ? maps : leaves).add(name);
                        if (type.startsWith("java.util.List<") && !type.startsWith("java.util.List<java.lang.")) {
                            maps.add(name);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        boot = new Boot(leaves, maps);
        return boot;
    }

    private static int closingParen(String text, int open) {
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i;
            }
        }
        throw new IllegalArgumentException("Unbalanced parameter list at " + open);
    }

    /** Splits a parameter list on commas outside generics and annotation arguments. */
    private static List<String> splitTopLevel(String parameters) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        boolean quoted = false;
        for (int i = 0; i < parameters.length(); i++) {
            char c = parameters.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && (c == '<' || c == '(')) {
                depth++;
            } else if (!quoted && (c == '>' || c == ')')) {
                depth--;
            } else if (!quoted && c == ',' && depth == 0) {
                parts.add(parameters.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(parameters.substring(start));
        return parts;
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
