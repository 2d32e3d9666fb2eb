package io.imagelib.router.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * A bench-only bare TCP relay: every byte read from one socket is written to the other through a 256 KB buffer on
 * virtual threads, nothing else (no HTTP, no routing, no metrics). It measures the floor of any proxy that copies
 * through user space on this machine, so the router's own CPU per GB can be read against it.
 * <p>
 * Two ways to copy: socket streams and a {@code byte[]} as the router does (the JDK moves every read and write through
 * a temporary direct buffer: two user-space copies per byte), or channels and one direct {@link ByteBuffer}
 * (none): the difference is what avoiding the heap copies could save a Java proxy at most.
 */
final class ByteRelay extends LoopbackServer {

    private static final int BUFFER = 256 * 1024;

    private final URI upstream;
    private final boolean direct;

    ByteRelay(URI upstream, boolean direct) throws IOException {
        this.upstream = upstream;
        this.direct = direct;
        start();
    }

    @Override
    void serve(SocketChannel client) throws IOException {
        SocketChannel server;
        try {
            server = SocketChannel.open(new InetSocketAddress(upstream.getHost(), upstream.getPort()));
        } catch (IOException refused) {
            client.close();
            throw refused;
        }
        Thread.ofVirtual().start(() -> pipe(server, client));
        pipe(client, server);
    }

    private void pipe(SocketChannel from, SocketChannel to) {
        try (from; to) {
            if (direct) {
                ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
                while (from.read(buffer) >= 0) {
                    buffer.flip();
                    while (buffer.hasRemaining()) {
                        to.write(buffer);
                    }
                    buffer.clear();
                }
            } else {
                byte[] buffer = new byte[BUFFER];
                InputStream in = from.socket().getInputStream();
                OutputStream out = to.socket().getOutputStream();
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, n);
                }
            }
        } catch (IOException closed) {
            // either side went away: closing both ends the other direction too
        }
    }
}
