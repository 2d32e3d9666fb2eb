package io.imagelib.router.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * A bench-only server on an ephemeral loopback port that serves each connection on its own virtual thread. Connections
 * are channels (blocking), so a subclass can use their streams ({@code socket()}) or the channel itself.
 */
abstract class LoopbackServer implements AutoCloseable {

    private final ServerSocketChannel listener;

    LoopbackServer() throws IOException {
        this.listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
    }

    /** Starts accepting; called by subclasses once they are fully constructed. */
    final void start() {
        Thread.ofVirtual().start(this::accept);
    }

    final URI baseUri() throws IOException {
        return URI.create("http://127.0.0.1:" + ((InetSocketAddress) listener.getLocalAddress()).getPort());
    }

    abstract void serve(SocketChannel connection) throws IOException;

    private void accept() {
        while (listener.isOpen()) {
            try {
                SocketChannel connection = listener.accept();
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
