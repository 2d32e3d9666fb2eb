package io.imagelib.router.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;

/**
 * A bench-only bare TCP relay: every byte read from one socket is written to the other through a 256 KB buffer on
 * virtual threads, nothing else (no HTTP, no routing, no metrics). It measures the floor of any proxy that copies
 * through user space on this machine, so the router's own CPU per GB can be read against it.
 */
final class ByteRelay implements AutoCloseable {

    private static final int BUFFER = 256 * 1024;

    private final ServerSocket listener;
    private final URI upstream;

    ByteRelay(URI upstream) throws IOException {
        this.listener = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        this.upstream = upstream;
        Thread.ofVirtual().start(this::accept);
    }

    URI baseUri() {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort());
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(upstream.getHost(), upstream.getPort());
                Thread.ofVirtual().start(() -> pipe(client, server));
                Thread.ofVirtual().start(() -> pipe(server, client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static void pipe(Socket from, Socket to) {
        byte[] buffer = new byte[BUFFER];
        try (from; to) {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
            }
        } catch (IOException closed) {
            // either side went away: closing both ends the other direction too
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
