package io.imagelib.role;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A real HTTP server on 127.0.0.1 that plays a Glance host's {@code /healthcheck}, so probes go over real sockets. */
public final class LocalGlance implements AutoCloseable {

    private final HttpServer server;
    /** Handlers off the dispatcher thread, so a deliberately slow answer neither blocks other requests nor stop(). */
    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    private final List<String> paths = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile Duration delay = Duration.ZERO;

    public LocalGlance() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            paths.add(exchange.getRequestURI().getPath());
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = (status == 200 ? "OK" : "DISABLED BY FILE").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.setExecutor(handlers);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public LocalGlance answering(int status) {
        this.status = status;
        return this;
    }

    public LocalGlance slowBy(Duration delay) {
        this.delay = delay;
        return this;
    }

    /** Paths requested so far, in order. */
    public List<String> requestedPaths() {
        return List.copyOf(paths);
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }
}
