package io.imagelib.deploy.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A real glance-api host of a local stack, started over the stack's shared config file and its own
 * ({@link GlanceConfig}): the one launcher of {@code ilctl up} (on 127.0.0.1, detached) and the system tests (in a
 * network namespace, tied to the test JVM), and the stack's one {@code glance-manage db_sync}.
 *
 * @param process    its pid file and log
 * @param url        its base URL, where {@code /healthcheck} answers
 * @param commonConf the file every host shares (database, store, paste flavor)
 * @param hostConf   its own file (address, paste file); an argument no other process has, so also its marker
 * @param wrap       the command around glance-api's, e.g. {@code ip netns exec NS}, which must exec it in place so
 *                   the recorded PID is glance-api's; {@link UnaryOperator#identity()} for none
 */
public record GlanceApiHost(StackProcess process, String url, Path commonConf, Path hostConf, UnaryOperator<List<String>> wrap) {

    /**
     * Writes {@code dir/common.conf}, the file every host shares: one database, the image directory {@code dataDir},
     * {@code dir/staging} and {@code dir/locks}; with an {@code authtoken}, the keystone paste flavor.
     */
    public static Path writeCommon(Path dir, String databaseUrl, Path dataDir, Optional<GlanceConfig.Authtoken> authtoken) {
        Path staging = dir.resolve("staging");
        Path locks = dir.resolve("locks");
        try {
            Files.createDirectories(staging);
            Files.createDirectories(locks);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + staging + " and " + locks, e);
        }
        return write(dir.resolve("common.conf"), GlanceConfig.common(databaseUrl, dataDir, staging, locks, authtoken));
    }

    /**
     * Writes the host's own files: {@link #hostConf} (where it listens) and its paste file beside it, whose pipeline
     * checks tokens when {@code keystone} and whose {@code /healthcheck} answers 503 while {@code disableFile} exists.
     * One paste file per host: the drain switch is keyed by port, and hosts in namespaces share one.
     */
    public GlanceApiHost writeConfig(String bindAddress, int port, boolean keystone, Path disableFile) {
        Path paste = write(hostConf.resolveSibling(hostConf.getFileName().toString().replaceFirst("\\.conf$", "") + "-paste.ini"),
                GlanceConfig.paste(keystone, port, disableFile));
        write(hostConf, GlanceConfig.host(bindAddress, port, paste));
        return this;
    }

    /** Starts the host; it runs as the user running this JVM. */
    public ProcessHandle start(Path workDir, Lifetime lifetime) {
        List<String> command = wrap.apply(List.of(GlanceConfig.GLANCE_API.toString(), "--config-file", commonConf.toString(),
                "--config-file", hostConf.toString()));
        return process.start(command, hostConf.toString(), Map.of(), workDir, lifetime);
    }

    /** Waits until {@code /healthcheck} answers 200; returns how long it took. */
    public Duration awaitHealthy(Duration timeout) {
        return Readiness.await(process, url + "/healthcheck", timeout);
    }

    /** Creates or upgrades the shared database's schema; idempotent, but 10 s on a busy machine. */
    public static void dbSync(Path commonConf, Path workDir, Path log, Duration timeout) {
        Shell.runLogged("glance-manage db_sync", List.of(GlanceConfig.GLANCE_MANAGE.toString(), "--config-file", commonConf.toString(),
                "db_sync"), workDir, log, timeout);
    }

    private static Path write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            return Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }
}
