package io.imagelib.router.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A bench-only upstream that answers every request with {@code size} bytes at a fixed rate shared by all its
 * connections, like a host whose NIC (not its CPU) bounds a download. Only for the NIC-like case of the benchmark;
 * the goal's figure is measured against the unpaced glance-simulator.
 */
final class PacedImageServer extends LoopbackServer {

    private static final int CHUNK = 64 * 1024;

    private final long size;
    private final double nanosPerByte;
    private final byte[] chunk = new byte[CHUNK];
    private long nextFreeNanos = System.nanoTime();

    PacedImageServer(long size, long bitsPerSecond) throws IOException {
        this.size = size;
        this.nanosPerByte = 8e9 / bitsPerSecond;
        new Random(2).nextBytes(chunk);
        start();
    }

    @Override
    void serve(SocketChannel channel) throws IOException {
        try (Socket socket = channel.socket()) {
            skipRequestHead(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + size
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            for (long sent = 0; sent < size; ) {
                int n = (int) Math.min(CHUNK, size - sent);
                LockSupport.parkNanos(reserve(n) - System.nanoTime());
                out.write(chunk, 0, n);
                sent += n;
            }
        }
    }

    /** The time at which {@code bytes} more may leave: one shared wire, so parallel streams split the rate. */
    private synchronized long reserve(int bytes) {
        long now = System.nanoTime();
        nextFreeNanos = Math.max(nextFreeNanos, now - TimeUnit.MILLISECONDS.toNanos(1)) + (long) (bytes * nanosPerByte);
        return nextFreeNanos;
    }

    private static void skipRequestHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("request head cut");
            }
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
    }
}
