package io.imagelib.router.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;

/**
 * A bench-only bare TCP relay: every byte read from one socket is written to the other through a 256 KB buffer on
 * virtual threads, nothing else (no HTTP, no routing, no metrics). It measures the floor of any proxy that copies
 * through user space on this machine, so the router's own CPU per GB can be read against it.
 */
final class ByteRelay extends LoopbackServer {

    private static final int BUFFER = 256 * 1024;

    private final URI upstream;

    ByteRelay(URI upstream) throws IOException {
        this.upstream = upstream;
        start();
    }

    @Override
    void serve(Socket client) throws IOException {
        Socket server;
        try {
            server = new Socket(upstream.getHost(), upstream.getPort());
        } catch (IOException refused) {
            client.close();
            throw refused;
        }
        Thread.ofVirtual().start(() -> pipe(server, client));
        pipe(client, server);
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
}
