package io.imagelib.systemtests;

import io.imagelib.deploy.local.GlanceConfig;
import io.imagelib.deploy.local.Lifetime;
import io.imagelib.deploy.local.ProcessLog;
import io.imagelib.deploy.local.Shell;
import io.imagelib.deploy.local.StackProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
        private final StackProcess process;

        Host(String id, TestNetwork.Host net, Path dir) {
            this.id = id;
            this.net = net;
            this.dir = dir;
            this.disableFile = dir.resolve("healthcheck-disable");
            this.process = new StackProcess(id, dir.resolve("glance-api.pid"), dir.resolve("glance-api.log"));
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
            return process.running().isPresent();
        }

        Path log() {
            return process.logFile();
        }

        /** Its own config file: an argument no other process has. */
        private Path conf() {
            return dir.resolve("host.conf");
        }
    }

    private final Path dataDir;
    private final Path commonConf;
    private final List<Host> hosts;
    private final GlanceClient client;

    private GlanceHosts(Path dataDir, Path commonConf, List<Host> hosts, GlanceClient client) {
        this.dataDir = dataDir;
        this.commonConf = commonConf;
        this.hosts = hosts;
        this.client = client;
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
            Path staging = Files.createDirectories(root.resolve("shared/staging"));
            Path locks = Files.createDirectories(root.resolve("locks"));
            Path commonConf = root.resolve("glance-common.conf");
            Files.writeString(commonConf, GlanceConfig.common(db.glanceConnectionUrl(), dataDir, staging, locks, Optional.empty()));
            long syncStart = System.nanoTime();
            Shell.exec(Duration.ofMinutes(3), "glance-manage", "--config-file", commonConf.toString(), "db_sync").orThrow();
            report("glance-manage db_sync took %d ms", (System.nanoTime() - syncStart) / 1_000_000);
            List<Host> hosts = new ArrayList<>();
            for (int i = 1; i <= count; i++) {
                Path dir = Files.createDirectories(root.resolve("host-" + i));
                Host host = new Host("glance-" + i, network.addHost(i), dir);
                Files.writeString(dir.resolve("paste.ini"), GlanceConfig.paste(false, Map.of(PORT, host.disableFile)));
                Files.writeString(host.conf(), GlanceConfig.host(host.address(), PORT, dir.resolve("paste.ini")));
                hosts.add(host);
            }
            GlanceHosts glance = new GlanceHosts(dataDir, commonConf, hosts, new GlanceClient(Duration.ofSeconds(2), Duration.ofSeconds(30)));
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
        host.process.kill();
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

    /** Starts the host's glance-api in its namespace; `ip netns exec` execs, so the process is glance-api itself. */
    private void launch(Host host) {
        List<String> command = TestNetwork.inNamespace(host.net, List.of(GlanceConfig.GLANCE_API.toString(),
                "--config-file", commonConf.toString(),
                "--config-file", host.conf().toString()));
        host.process.start(command, host.conf().toString(), Map.of(), host.dir, Lifetime.TIED_TO_THIS_JVM);
    }

    /** Waits for 200 on /healthcheck; returns how long the host took. */
    public Duration awaitHealthy(Host host, Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!host.isAlive()) {
                throw new IllegalStateException(host.id + " exited; log tail:\n" + ProcessLog.tail(host.log(), 30));
            }
            if (client.healthcheck(host.baseUrl()).status() == 200) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            sleep(Duration.ofMillis(100));
        }
        throw new IllegalStateException(host.id + " not healthy within " + timeout + "; log tail:\n" + ProcessLog.tail(host.log(), 30));
    }

    @Override
    public void close() {
        StackProcess.stopAll(hosts.stream().map(h -> h.process).toList(), Duration.ofSeconds(5));
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
