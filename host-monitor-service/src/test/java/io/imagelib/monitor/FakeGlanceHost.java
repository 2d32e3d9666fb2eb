package io.imagelib.monitor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Glance host on 127.0.0.1 whose failure mode a test switches: healthy, draining (503 "DISABLED BY FILE" like
 * Glance's disable_by_file backend), hung (accepts connections, never answers) and stopped (port closed: connection
 * refused; open connections are cut like a dying process's). Plain sockets so every mode is exact.
 */
final class FakeGlanceHost implements AutoCloseable {

    enum Mode { HEALTHY, DISABLED, HANG }

    private final int port;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private volatile Mode mode = Mode.HEALTHY;
    private volatile ServerSocket server;

    private FakeGlanceHost(ServerSocket server) {
        this.server = server;
        this.port = server.getLocalPort();
        acceptOn(server);
    }

    static FakeGlanceHost start() {
        return new FakeGlanceHost(bind(0));
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    void healthy() {
        switchTo(Mode.HEALTHY);
    }

    void disabledByFile() {
        switchTo(Mode.DISABLED);
    }

    void hang() {
        switchTo(Mode.HANG);
    }

    /** Closes the port and cuts open connections: from now on connections are refused. */
    synchronized void stop() {
        closeQuietly(server);
        server = null;
        connections.forEach(FakeGlanceHost::closeQuietly);
        connections.clear();
    }

    @Override
    public void close() {
        stop();
    }

    private synchronized void switchTo(Mode next) {
        mode = next;
        if (server == null) {
            server = bind(port);
            acceptOn(server);
        }
    }

    private static ServerSocket bind(int port) {
        try {
            var socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return socket;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind 127.0.0.1:" + port, e);
        }
    }

    private void acceptOn(ServerSocket listening) {
        Thread.ofVirtual().name("fake-glance-" + port).start(() -> {
            while (!listening.isClosed()) {
                try {
                    Socket socket = listening.accept();
                    connections.add(socket);
                    Thread.ofVirtual().start(() -> serve(socket));
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    private void serve(Socket socket) {
        try (socket) {
            var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = socket.getOutputStream();
            String requestLine;
            while ((requestLine = in.readLine()) != null) {
                String line;
                do {
                    line = in.readLine();
                } while (line != null && !line.isEmpty());
                while (mode == Mode.HANG && !socket.isClosed()) {
                    Thread.sleep(10);
                }
                if (socket.isClosed()) {
                    return;
                }
                out.write(answer(requestLine.split(" ")[1]));
                out.flush();
            }
        } catch (IOException | InterruptedException | ArrayIndexOutOfBoundsException e) {
            // the client or stop() closed the connection
        } finally {
            connections.remove(socket);
        }
    }

    private byte[] answer(String path) {
        if (path.startsWith("/healthcheck")) {
            return mode == Mode.DISABLED ? response(503, "Service Unavailable", "DISABLED BY FILE") : response(200, "OK", "OK");
        }
        if (path.startsWith("/v2/images")) {
            return response(200, "OK", "{\"images\": []}");
        }
        return response(404, "Not Found", "");
    }

    private static byte[] response(int status, String phrase, String body) {
        return ("HTTP/1.1 " + status + " " + phrase + "\r\nContent-Type: text/plain\r\nContent-Length: "
                + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            if (closeable != null) {
                closeable.close();
            }
        } catch (Exception ignored) {
            // already closed
        }
    }
}
