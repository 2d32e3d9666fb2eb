package io.imagelib.systemtests;

import io.imagelib.deploy.local.Lifetime;
import io.imagelib.deploy.local.LocalResources;
import io.imagelib.deploy.local.ProcessLog;
import io.imagelib.deploy.local.Shell;
import io.imagelib.deploy.local.StackProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Debian's HAProxy in front of the same Glance hosts, the comparison baseline: one frontend per health-check
 * setting, on 127.0.0.1. Both use what an operator would: round robin, {@code option httpchk GET /healthcheck},
 * {@code retries 3} with {@code option redispatch} (a refused connection is retried on another server).
 */
public final class HaproxyBaseline implements AutoCloseable {

    /** A health-check setting: HAProxy's usual one, and one tuned for fast failover. */
    public enum Setting {
        USUAL("2s", 3),
        TUNED("250ms", 2);

        private final String inter;
        private final int fall;

        Setting(String inter, int fall) {
            this.inter = inter;
            this.fall = fall;
        }

        public String label() {
            return "haproxy inter " + inter + " fall " + fall;
        }

        String backend() {
            return "glance_" + name().toLowerCase();
        }
    }

    private static final String HAPROXY = "/usr/sbin/haproxy";

    private final Path dir;
    private final Map<Setting, Integer> ports;
    private final StackProcess process;

    private HaproxyBaseline(Path dir, Map<Setting, Integer> ports, StackProcess process) {
        this.dir = dir;
        this.ports = ports;
        this.process = process;
    }

    /** Starts HAProxy in the foreground (-db), as a child of this JVM, and waits until every server is UP. */
    public static HaproxyBaseline start(Path dir, List<GlanceHosts.Host> hosts) {
        if (!Files.isExecutable(Path.of(HAPROXY))) {
            throw new IllegalStateException(HAPROXY + " is missing; run system-tests/run.sh (installs haproxy)");
        }
        Map<Setting, Integer> ports = Arrays.stream(Setting.values())
                .collect(Collectors.toMap(s -> s, s -> LocalResources.freePort()));
        try {
            Files.createDirectories(dir);
            Path cfg = dir.resolve("haproxy.cfg");
            Files.writeString(cfg, config(ports, hosts, dir.resolve("admin.sock")));
            Shell.run(HAPROXY, "-c", "-f", cfg.toString());
            StackProcess process = new StackProcess("haproxy", dir.resolve("haproxy.pid"), dir.resolve("haproxy.log"));
            process.start(List.of(HAPROXY, "-db", "-f", cfg.toString()), cfg.toString(), Map.of(), dir, Lifetime.TIED_TO_THIS_JVM);
            HaproxyBaseline haproxy = new HaproxyBaseline(dir, ports, process);
            for (GlanceHosts.Host host : hosts) {
                for (Setting setting : Setting.values()) {
                    haproxy.awaitStatus(setting, host, "UP", Duration.ofSeconds(30));
                }
            }
            return haproxy;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start HAProxy in " + dir, e);
        }
    }

    static String config(Map<Setting, Integer> ports, List<GlanceHosts.Host> hosts, Path adminSocket) {
        StringBuilder cfg = new StringBuilder("""
                global
                    maxconn 4096
                    stats socket %s mode 600 level admin

                defaults
                    mode http
                    balance roundrobin
                    option httpchk GET /healthcheck
                    retries 3
                    option redispatch
                    timeout connect 2s
                    timeout client 60s
                    timeout server 60s
                    timeout check 2s
                """.formatted(adminSocket));
        for (Setting setting : Setting.values()) {
            cfg.append("\nfrontend fe_").append(setting.name().toLowerCase()).append('\n')
                    .append("    bind 127.0.0.1:").append(ports.get(setting)).append('\n')
                    .append("    default_backend ").append(setting.backend()).append('\n')
                    .append("\nbackend ").append(setting.backend()).append('\n');
            for (GlanceHosts.Host host : hosts) {
                cfg.append("    server ").append(host.id()).append(' ').append(host.address()).append(':').append(GlanceHosts.PORT)
                        .append(" check inter ").append(setting.inter).append(" fall ").append(setting.fall).append(" rise 2\n");
            }
        }
        return cfg.toString();
    }

    public URI url(Setting setting) {
        return URI.create("http://127.0.0.1:" + ports.get(setting));
    }

    /** The server's status as HAProxy sees it: UP, DOWN, "UP 1/2" (going down), "DOWN 1/2" (coming up), MAINT... */
    public String status(Setting setting, GlanceHosts.Host host) {
        String csv = command("show stat");
        for (String line : csv.split("\n")) {
            String[] f = line.split(",", -1);
            if (f.length > 17 && f[0].equals(setting.backend()) && f[1].equals(host.id())) {
                return f[17];
            }
        }
        throw new IllegalStateException("No server " + host.id() + " in " + setting.backend() + ":\n" + csv);
    }

    /** Polls every 10 ms until the status is exactly {@code wanted}; returns how long that took. */
    public Duration awaitStatus(Setting setting, GlanceHosts.Host host, String wanted, Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (wanted.equals(status(setting, host))) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            GlanceHosts.sleep(Duration.ofMillis(10));
        }
        throw new IllegalStateException(setting.label() + ": " + host.id() + " not " + wanted + " within " + timeout
                + " (is " + status(setting, host) + ")");
    }

    /** One command on the admin socket (the JDK speaks unix sockets; no socat needed). */
    String command(String command) {
        Path socket = dir.resolve("admin.sock");
        for (int attempt = 0; ; attempt++) {
            try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                channel.connect(UnixDomainSocketAddress.of(socket));
                channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8)));
                var out = new java.io.ByteArrayOutputStream();
                ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
                while (channel.read(buffer) >= 0) {
                    out.write(buffer.array(), 0, buffer.position());
                    buffer.clear();
                }
                return out.toString(StandardCharsets.UTF_8);
            } catch (IOException e) {
                // The socket appears a moment after the process starts.
                if (attempt >= 50 || process.running().isEmpty()) {
                    throw new UncheckedIOException("HAProxy admin socket " + socket + " not answering; log:\n"
                            + ProcessLog.tail(dir.resolve("haproxy.log"), 30), e);
                }
                GlanceHosts.sleep(Duration.ofMillis(100));
            }
        }
    }

    @Override
    public void close() {
        process.stop(Duration.ofSeconds(5));
    }
}
