package io.imagelib.glancesim;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A SIMULATED Glance host: a real HTTP server that speaks the Glance v2 subset the image router uses, for tests and
 * the local stack. It is not Glance (no auth, no database, no tasks); its answers follow Glance's shapes and codes.
 * <pre>
 * try (GlanceSimulator host = GlanceSimulator.start(SimulatorConfig.onLoopback(sharedDir))) {
 *     URI base = host.baseUri();   // http://127.0.0.1:&lt;port&gt;
 *     host.faults().breakDownload(1, 1_000_000);
 * }
 * </pre>
 */
public final class GlanceSimulator implements AutoCloseable {

    private final SimulatorConfig config;
    private final Faults faults = new Faults();
    private final RequestLog requests = new RequestLog();
    private final HttpServer server;
    private final ExecutorService workers;
    private final ImageStore store;

    private GlanceSimulator(SimulatorConfig config) throws IOException {
        this.config = config;
        this.server = HttpServer.create(new InetSocketAddress(config.bindAddress(), config.port()), 1024);
        this.workers = Executors.newVirtualThreadPerTaskExecutor();
        this.store = new ImageStore(config.dataDir());
        server.setExecutor(workers);
        server.createContext("/", new GlanceApiHandler(store, config, faults, requests));
    }

    /** Binds and starts serving; the port is known when this returns (use port 0 for an ephemeral one). */
    public static GlanceSimulator start(SimulatorConfig config) {
        try {
            GlanceSimulator simulator = new GlanceSimulator(config);
            simulator.server.start();
            return simulator;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot bind " + config.bindAddress() + ":" + config.port(), e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public URI baseUri() {
        return URI.create("http://" + config.bindAddress() + ":" + port());
    }

    public SimulatorConfig config() {
        return config;
    }

    public Faults faults() {
        return faults;
    }

    public RequestLog requests() {
        return requests;
    }

    /**
     * Stops at once like a crashed host: the listening socket closes (new connections are refused) and open
     * connections, including downloads in progress, are dropped; an image whose upload it was receiving stays
     * {@code saving}, as real Glance leaves it.
     */
    public void kill() {
        store.kill();
        server.stop(0);
        workers.shutdownNow();
    }

    @Override
    public void close() {
        kill();
    }
}
