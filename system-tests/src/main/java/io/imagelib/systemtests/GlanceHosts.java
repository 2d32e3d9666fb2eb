package io.imagelib.systemtests;

import io.imagelib.deploy.local.GlanceApiHost;
import io.imagelib.deploy.local.GlanceConfig;
import io.imagelib.deploy.local.Lifetime;
import io.imagelib.deploy.local.StackProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * N real {@code glance-api} processes (Debian's script, system python3, {@code workers = 0}), each in its own
 * network namespace at its own address, sharing ONE data directory and ONE PostgreSQL database: the shared-storage
 * deployment the seed document prescribes. Keystone-less: the {@code trusted} paste flavor takes the identity from
 * the request headers (see {@link GlanceClient}).
 *
 * <p>Fault injectors per host: {@link #kill} (SIGKILL), {@link #hang} (link down in the namespace: no RST),
 * {@link #drain} (Glance's own disable file: {@code /healthcheck} answers 503 "DISABLED BY FILE"), and
 * {@link #restore}, which undoes whichever was done.
 */
public final class GlanceHosts implements AutoCloseable {

    public static final int PORT = 9292;
    // Only a start-up wait: at load average 40 on this machine glance-api took just over 60 s to import and bind.
    static final Duration START_TIMEOUT = Duration.ofSeconds(Long.getLong("imagelib.systemtests.glance-start-seconds", 60));

    /** One Glance host: where it listens, its namespace, its drain switch, and its current process. */
    public static final class Host {
        private final String id;
        private final TestNetwork.Host net;
        private final Path dir;
        private final Path disableFile;
        private final GlanceApiHost api;

        Host(String id, TestNetwork.Host net, Path dir, Path commonConf) {
            this.id = id;
            this.net = net;
            this.dir = dir;
            this.disableFile = dir.resolve("healthcheck-disable");
            // `ip netns exec` execs, so the recorded process is glance-api itself.
            this.api = new GlanceApiHost(new StackProcess(id, dir.resolve("glance-api.pid"), dir.resolve("glance-api.log")),
                    baseUrl().toString(), commonConf, dir.resolve("host.conf"), command -> TestNetwork.inNamespace(net, command));
        }

        public String id() {
            return id;
        }

        public URI baseUrl() {
            return URI.create("http://" + net.address() + ":" + PORT);
        }

        public String address() {
            return net.address();
        }

        public boolean isAlive() {
            return api.process().running().isPresent();
        }
    }

    private final Path dataDir;
    private final List<Host> hosts;

    private GlanceHosts(Path dataDir, List<Host> hosts) {
        this.dataDir = dataDir;
        this.hosts = hosts;
    }

    /**
     * Writes the configuration under {@code root}, runs {@code glance-manage db_sync} once, creates one namespace
     * per host on {@code network} (indexes 1..count) and starts every host, waiting until each answers /healthcheck.
     */
    public static GlanceHosts start(Path root, TestNetwork network, PostgresForGlance db, int count) {
        if (!Files.isExecutable(GlanceConfig.GLANCE_API)) {
            throw new IllegalStateException(GlanceConfig.GLANCE_API + " is missing; run system-tests/run.sh (installs glance-api)");
        }
        try {
            Path dataDir = Files.createDirectories(root.resolve("shared/images"));
            Path commonConf = GlanceApiHost.writeCommon(root, db.glanceConnectionUrl(), dataDir, Optional.empty());
            long syncStart = System.nanoTime();
            GlanceApiHost.dbSync(commonConf, root, root.resolve("glance-manage.log"), Duration.ofMinutes(3));
            report("glance-manage db_sync took %d ms", (System.nanoTime() - syncStart) / 1_000_000);
            List<Host> hosts = new ArrayList<>();
            for (int i = 1; i <= count; i++) {
                Host host = new Host("glance-" + i, network.addHost(i), Files.createDirectories(root.resolve("host-" + i)), commonConf);
                host.api.writeConfig(host.address(), PORT, false, host.disableFile);
                hosts.add(host);
            }
            GlanceHosts glance = new GlanceHosts(dataDir, hosts);
            long launched = System.nanoTime();
            hosts.forEach(glance::launch);
            for (Host host : hosts) {
                glance.awaitHealthy(host, START_TIMEOUT);
            }
            report("%d glance-api hosts started together, all healthy after %d ms", count, (System.nanoTime() - launched) / 1_000_000);
            return glance;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot lay out Glance hosts under " + root, e);
        }
    }

    public List<Host> hosts() {
        return List.copyOf(hosts);
    }

    /** Host 1..N. */
    public Host host(int index) {
        return hosts.get(index - 1);
    }

    public Path dataDir() {
        return dataDir;
    }

    /** SIGKILL: the host vanishes mid-request, its port refuses new connections. */
    public void kill(Host host) {
        host.api.process().kill();
    }

    /** Link down inside the host's namespace: packets vanish, connections neither complete nor reset. */
    public void hang(Host host) {
        TestNetwork.hang(host.net);
    }

    /** Glance's drain switch: /healthcheck answers 503 "DISABLED BY FILE" while the API keeps serving. */
    public void drain(Host host) {
        try {
            Files.writeString(host.disableFile, "drained by system-tests\n");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + host.disableFile, e);
        }
    }

    /** Undoes every fault on the host (drain file, link, process) and waits until it is healthy again. */
    public Duration restore(Host host) {
        long start = System.nanoTime();
        try {
            Files.deleteIfExists(host.disableFile);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + host.disableFile, e);
        }
        TestNetwork.unhang(host.net);
        boolean relaunch = !host.isAlive();
        if (relaunch) {
            launch(host);
        }
        awaitHealthy(host, START_TIMEOUT);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        if (relaunch) {
            report("%s restarted, healthy after %d ms", host.id, took.toMillis());
        }
        return took;
    }

    private void launch(Host host) {
        host.api.start(host.dir, Lifetime.TIED_TO_THIS_JVM);
    }

    /** Waits for 200 on /healthcheck; returns how long the host took. */
    public Duration awaitHealthy(Host host, Duration timeout) {
        return host.api.awaitHealthy(timeout);
    }

    @Override
    public void close() {
        StackProcess.stopAll(hosts.stream().map(h -> h.api.process()).toList(), Duration.ofSeconds(5));
    }

    /** Timing lines the docs quote; tests and the benchmark print them. */
    static void report(String format, Object... args) {
        System.out.println("[system-tests] " + format.formatted(args));
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }
}
