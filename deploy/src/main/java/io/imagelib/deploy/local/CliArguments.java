package io.imagelib.deploy.local;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@code COMMAND [--option value]...} as the local launchers take it. */
record CliArguments(String command, Map<String, String> options) {

    static CliArguments parse(String[] args, Set<String> commands, Set<String> optionNames, String usage) {
        if (args.length == 0 || !commands.contains(args[0])) {
            throw new IllegalArgumentException(usage);
        }
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i += 2) {
            String name = args[i].startsWith("--") ? args[i].substring(2) : "";
            if (!optionNames.contains(name) || i + 1 >= args.length) {
                throw new IllegalArgumentException("Unexpected argument '" + args[i] + "'\n" + usage);
            }
            options.put(name, args[i + 1]);
        }
        return new CliArguments(args[0], Map.copyOf(options));
    }

    String option(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    int intOption(String name, int fallback) {
        String value = options.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " takes a number, not '" + value + "'");
        }
    }

    Optional<String> optional(String name) {
        return Optional.ofNullable(options.get(name));
    }

    static Set<String> names(String... names) {
        return Set.copyOf(List.of(names));
    }
}
