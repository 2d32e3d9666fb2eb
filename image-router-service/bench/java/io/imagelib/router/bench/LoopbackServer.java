package io.imagelib.router.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;

/** A bench-only server on an ephemeral loopback port that serves each connection on its own virtual thread. */
abstract class LoopbackServer implements AutoCloseable {

    private final ServerSocket listener;

    LoopbackServer() throws IOException {
        this.listener = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
    }

    /** Starts accepting; called by subclasses once they are fully constructed. */
    final void start() {
        Thread.ofVirtual().start(this::accept);
    }

    final URI baseUri() {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort());
    }

    abstract void serve(Socket connection) throws IOException;

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket connection = listener.accept();
                Thread.ofVirtual().start(() -> {
                    try {
                        serve(connection);
                    } catch (IOException gone) {
                        // the peer went away
                    }
                });
            } catch (IOException closed) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
