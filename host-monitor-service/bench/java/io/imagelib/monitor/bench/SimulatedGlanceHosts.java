package io.imagelib.monitor.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * N simulated Glance hosts in one process: each host is its own listening port on 127.0.0.1 (so the monitor keeps one
 * connection per host, as with real hosts), all served by ONE NIO selector thread. Runs as a child process of the
 * benchmark so its CPU is not counted as the monitor's.
 * <p>
 * Prints {@code READY port0,port1,...}; then reads commands on stdin, each acknowledged with
 * {@code ACK <epoch micros>} once applied: {@code stop FROM TO} (close the ports and cut connections: refused),
 * {@code hang FROM TO} (accept and read, never answer), {@code drain FROM TO} (503 DISABLED BY FILE).
 */
public final class SimulatedGlanceHosts {

    private static final byte HEALTHY = 0;
    private static final byte HANG = 1;
    private static final byte DRAIN = 2;
    private static final byte[] OK = response(200, "OK", "OK");
    private static final byte[] DISABLED = response(503, "Service Unavailable", "DISABLED BY FILE");
    private static final byte[] IMAGES = response(200, "OK", "{\"images\": []}");

    private final Selector selector;
    private final ServerSocketChannel[] listeners;
    private final List<Set<SocketChannel>> connections = new ArrayList<>();
    private final byte[] modes;
    private final ConcurrentLinkedQueue<String> commands = new ConcurrentLinkedQueue<>();

    private record Connection(int host, ByteBuffer buffer) {
    }

    private SimulatedGlanceHosts(int hosts) throws IOException {
        selector = Selector.open();
        listeners = new ServerSocketChannel[hosts];
        modes = new byte[hosts];
        for (int i = 0; i < hosts; i++) {
            var listener = ServerSocketChannel.open();
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            listener.configureBlocking(false);
            listener.register(selector, SelectionKey.OP_ACCEPT, i);
            listeners[i] = listener;
            connections.add(new HashSet<>());
        }
    }

    public static void main(String[] args) throws IOException {
        var sim = new SimulatedGlanceHosts(Integer.parseInt(args[0]));
        var ports = new StringJoiner(",");
        for (ServerSocketChannel listener : sim.listeners) {
            ports.add(Integer.toString(listener.socket().getLocalPort()));
        }
        System.out.println("READY " + ports);
        System.out.flush();
        Thread.ofPlatform().daemon().start(() -> sim.readCommands());
        sim.serve();
    }

    private void readCommands() {
        try (var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                commands.add(line.trim());
                selector.wakeup();
            }
        } catch (IOException e) {
            // parent gone
        }
        System.exit(0);
    }

    private void serve() throws IOException {
        while (true) {
            selector.select();
            String command;
            while ((command = commands.poll()) != null) {
                apply(command);
            }
            var keys = selector.selectedKeys().iterator();
            while (keys.hasNext()) {
                SelectionKey key = keys.next();
                keys.remove();
                if (!key.isValid()) {
                    continue;
                }
                if (key.isAcceptable()) {
                    accept(key);
                } else if (key.isReadable()) {
                    read(key);
                }
            }
        }
    }

    private void accept(SelectionKey key) throws IOException {
        int host = (Integer) key.attachment();
        SocketChannel channel = ((ServerSocketChannel) key.channel()).accept();
        if (channel == null) {
            return;
        }
        channel.configureBlocking(false);
        channel.register(selector, SelectionKey.OP_READ, new Connection(host, ByteBuffer.allocate(4096)));
        connections.get(host).add(channel);
    }

    private void read(SelectionKey key) {
        var connection = (Connection) key.attachment();
        var channel = (SocketChannel) key.channel();
        try {
            if (channel.read(connection.buffer()) < 0) {
                close(connection.host(), channel);
                return;
            }
            String received = new String(connection.buffer().array(), 0, connection.buffer().position(), StandardCharsets.ISO_8859_1);
            int end;
            while ((end = received.indexOf("\r\n\r\n")) >= 0) {
                String path = received.substring(received.indexOf(' ') + 1, received.indexOf(' ', received.indexOf(' ') + 1));
                received = received.substring(end + 4);
                if (modes[connection.host()] != HANG) {
                    channel.write(ByteBuffer.wrap(answer(connection.host(), path)));
                }
            }
            connection.buffer().clear();
            connection.buffer().put(received.getBytes(StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            close(connection.host(), channel);
        }
    }

    private byte[] answer(int host, String path) {
        if (path.startsWith("/v2/images")) {
            return IMAGES;
        }
        return modes[host] == DRAIN ? DISABLED : OK;
    }

    private void apply(String command) throws IOException {
        String[] parts = command.split(" ");
        int from = Integer.parseInt(parts[1]);
        int to = Integer.parseInt(parts[2]);
        for (int host = from; host < to; host++) {
            switch (parts[0]) {
                case "stop" -> {
                    listeners[host].close();
                    for (SocketChannel channel : List.copyOf(connections.get(host))) {
                        close(host, channel);
                    }
                }
                case "hang" -> modes[host] = HANG;
                case "drain" -> modes[host] = DRAIN;
                default -> throw new IllegalArgumentException(command);
            }
        }
        Instant now = Instant.now();
        System.out.println("ACK " + (now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000));
        System.out.flush();
    }

    private void close(int host, SocketChannel channel) {
        connections.get(host).remove(channel);
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private static byte[] response(int status, String phrase, String body) {
        return ("HTTP/1.1 " + status + " " + phrase + "\r\nContent-Type: text/plain\r\nContent-Length: " + body.length()
                + "\r\n\r\n" + body).getBytes(StandardCharsets.ISO_8859_1);
    }
}
