package io.imagelib.router.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A bench-only HAProxy (HTTP mode) in front of the same upstream, as a reference for what a mature C proxy gets on
 * this machine: with {@code splice} the response body moves socket to socket inside the kernel (splice(2) through a
 * pipe, no copy to user space); without it HAProxy copies through its buffers like any user-space proxy.
 * Started from a generated config on 127.0.0.1, stopped by its PID; its CPU time is read from /proc because it is
 * not part of the bench JVM.
 */
final class HaproxyReference implements AutoCloseable {

    static final Path BINARY = Path.of(System.getProperty("bench.haproxy", "/usr/sbin/haproxy"));
    private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux, the unit of utime/stime in /proc/<pid>/stat

    private final Process process;
    private final int port;
    private final Path config;

    private HaproxyReference(URI upstream, boolean splice) throws IOException, InterruptedException {
        this.port = freePort();
        this.config = Files.createTempFile("bench-haproxy-", ".cfg");
        Files.writeString(config, """
                global
                    maxconn 4096
                    nbthread 2
                defaults
                    mode http
                    timeout connect 5s
                    timeout client 120s
                    timeout server 120s
                listen bench
                    bind 127.0.0.1:%d
                    %s
                    server upstream %s:%d
                """.formatted(port, splice ? "option splice-response\n    option splice-auto" : "# no splicing: HAProxy's default",
                upstream.getHost(), upstream.getPort()));
        this.process = new ProcessBuilder(BINARY.toString(), "-db", "-f", config.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        awaitListening();
    }

    /** Empty when haproxy is not installed: the bench then skips the HAProxy columns. */
    static Optional<HaproxyReference> start(URI upstream, boolean splice) throws IOException, InterruptedException {
        return Files.isExecutable(BINARY) ? Optional.of(new HaproxyReference(upstream, splice)) : Optional.empty();
    }

    /** "2.6.12-1+deb12u4", from {@code haproxy -v}. */
    static String version() throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            return "(not installed)";
        }
        Process version = new ProcessBuilder(BINARY.toString(), "-v").redirectErrorStream(true).start();
        String first = new String(version.getInputStream().readAllBytes()).lines().findFirst().orElse("? ?");
        version.waitFor();
        return first.replace("HAProxy version ", "").split(" ")[0];
    }

    URI baseUri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    long pid() {
        return process.pid();
    }

    /** User + system CPU time of the haproxy process so far. */
    long cpuNanos() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime (fields 14 and 15)
            return ticks * (1_000_000_000L / TICKS_PER_SECOND);
        } catch (IOException gone) {
            throw new IllegalStateException("haproxy (pid " + process.pid() + ") is gone", gone);
        }
    }

    private void awaitListening() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("haproxy exited with " + process.exitValue() + " (config " + config + ")");
            }
            try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("haproxy did not listen on " + port + " within 20 s", notYet);
                }
                Thread.sleep(50);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    @Override
    public void close() throws IOException {
        process.destroy(); // SIGTERM to this PID only
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException interrupted) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(config);
    }
}
