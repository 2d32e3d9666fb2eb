package io.imagelib.deploy.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
}
