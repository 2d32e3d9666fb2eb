package io.imagelib.deploy.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Stream;

/**
 * A real Keystone (Debian packages) on 127.0.0.1, run by {@code deploy/keystone/keystone-local.sh} in its own
 * directory (recipe and pitfalls: docs/keystone.md): the one start-up of {@code ilctl up} and the system tests. The
 * first start of an empty directory bootstraps it (20-70 s here); a directory bootstrapped before keeps its port,
 * admin password and region, and starts in seconds.
 *
 * @param script keystone-local.sh
 * @param dir    Keystone's database, keys, config and logs
 */
public record KeystoneServer(Path script, Path dir) {

    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(5);
    /** The Debian packages keystone-local.sh and the clients need, each with a file that tells it is there. */
    private static final Map<String, Path> PACKAGES = Map.of(
            "keystone", Path.of("/usr/bin/keystone-manage"),
            "uwsgi-plugin-python3", Path.of("/usr/lib/uwsgi/plugins/python3_plugin.so"),
            "python3-openstackclient", Path.of("/usr/bin/openstack"),
            "python3-glanceclient", Path.of("/usr/bin/glance"),
            "sqlite3", Path.of("/usr/bin/sqlite3"),
            "curl", Path.of("/usr/bin/curl"));
    /** The Debian python scripts need the system python3, not a pyenv/venv one earlier on PATH. */
    private static final String SYSTEM_PATH = "/usr/sbin:/usr/bin:/sbin:/bin";

    /** The packages of {@link #PACKAGES} this machine lacks, sorted; empty when Keystone and the clients can run. */
    public static List<String> missingPackages() {
        return PACKAGES.entrySet().stream().filter(e -> !Files.exists(e.getValue())).map(Map.Entry::getKey).sorted().toList();
    }

    public static KeystoneServer in(Path projectRoot, Path dir) {
        return new KeystoneServer(projectRoot.resolve("deploy/keystone/keystone-local.sh"), dir);
    }

    public static URI url(int port) {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Starts it unless it runs, bootstrapping an empty directory; the caller decides what a failure means. */
    public Shell.Result start(int port, String adminPassword, String region) {
        return script("start", "--dir", dir.toString(), "--port", Integer.toString(port), "--password", adminPassword,
                "--region", region);
    }

    /** Starts a stopped or killed Keystone again from its directory, on the port it was bootstrapped for. */
    public Shell.Result restart() {
        return script("start", "--dir", dir.toString());
    }

    /** TERM to the PID the script wrote; the directory stays for the next start. */
    public Shell.Result stop() {
        return script("stop", "--dir", dir.toString());
    }

    /** The port a bootstrapped directory is bound to. */
    public OptionalInt savedPort() {
        Path saved = dir.resolve("local.env");
        if (!Files.exists(saved)) {
            return OptionalInt.empty();
        }
        try (Stream<String> lines = Files.lines(saved)) {
            return lines.filter(l -> l.startsWith("port=")).mapToInt(l -> Integer.parseInt(l.substring(5))).findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + saved, e);
        }
    }

    /** The uwsgi master's PID, as the script wrote it. */
    public long pid() {
        try {
            return Long.parseLong(Files.readString(dir.resolve("keystone.pid")).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("No keystone.pid in " + dir, e);
        }
    }

    /** uwsgi's arguments name the config file of this directory: the marker that makes the PID ours ({@link StackProcess}). */
    public String marker() {
        return "OS_KEYSTONE_CONFIG_FILES=" + dir.resolve("keystone.conf");
    }

    /** The bootstrap admin's OS_* variables (project scope) for the openstack CLI, with the system PATH. */
    public Map<String, String> adminEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : script("env", "--dir", dir.toString()).orThrow().output().split("\n")) {
            String[] kv = line.replaceFirst("^export ", "").split("=", 2);
            env.put(kv[0], kv[1]);
        }
        env.put("PATH", SYSTEM_PATH);
        return Map.copyOf(env);
    }

    private Shell.Result script(String... args) {
        return Shell.exec(SCRIPT_TIMEOUT, Map.of(), Stream.concat(Stream.of("bash", script.toString()), Stream.of(args))
                .toArray(String[]::new));
    }
}
