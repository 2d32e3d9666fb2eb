package io.imagelib.deploy.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Ports the OS reports free on 127.0.0.1 right now. */
final class FreePorts {

    private FreePorts() {
    }

    /** {@code count} distinct free ports; all sockets are held until every port is chosen, so none repeats. */
    static List<Integer> pick(int count) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                held.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            }
            return held.stream().map(ServerSocket::getLocalPort).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot find " + count + " free ports on 127.0.0.1", e);
        } finally {
            for (ServerSocket socket : held) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // the port is released by the OS either way
                }
            }
        }
    }
}
