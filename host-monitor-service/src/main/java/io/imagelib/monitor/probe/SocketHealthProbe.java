package io.imagelib.monitor.probe;

import io.imagelib.monitor.domain.ProbeOutcome;
import io.imagelib.monitor.domain.ProbeResult;
import io.imagelib.monitor.domain.ReadAllowance;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The two Glance checks as plain HTTP/1.1 GETs on a virtual thread per round, over a kept-alive socket per host.
 * A parked virtual thread costs a few hundred bytes, so a hung host costs a socket, not a platform thread; and the
 * per-request cost is far below the JDK HttpClient's (measured side by side in docs/benchmarks/2026-11-25-host-monitor.md:
 * the HttpClient could not sustain 2,000 hosts at 4 Hz on 2 cores). Only {@code http://} URLs: https targets go to
 * the fallback probe (the JDK HttpClient with TLS).
 */
public final class SocketHealthProbe implements HealthProbe {

    /** A healthcheck or images answer is small; anything bigger is not worth keeping the connection for. */
    private static final int MAX_BODY = 64 * 1024;

    private final ProbeSettings settings;
    private final Clock clock;
    private final HealthProbe tlsFallback;
    private final Map<String, Queue<Connection>> idleConnections = new ConcurrentHashMap<>();
    private final Map<String, ReadAllowance> allowances = new ConcurrentHashMap<>();

    public SocketHealthProbe(ProbeSettings settings, Clock clock, HealthProbe tlsFallback) {
        this.settings = settings;
        this.clock = clock;
        this.tlsFallback = tlsFallback;
    }

    @Override
    public CompletableFuture<ProbeResult> probe(HostTarget target, boolean deep) {
        if (!"http".equalsIgnoreCase(target.publicUrl().getScheme())) {
            return tlsFallback.probe(target, deep);
        }
        var result = new CompletableFuture<ProbeResult>();
        Thread.startVirtualThread(() -> result.complete(round(target, deep)));
        return result;
    }

    @Override
    public void release(HostTarget target) {
        allowances.remove(target.hostId());
        Queue<Connection> idle = idleConnections.remove(target.hostId());
        if (idle != null) {
            idle.forEach(connection -> closeQuietly(connection.socket()));
        }
        tlsFallback.release(target);
    }

    private ProbeResult round(HostTarget target, boolean deep) {
        Instant startedAt = clock.instant();
        long t0 = System.nanoTime();
        ProbeOutcome outcome;
        try {
            Answer shallow = shallowCheck(target, t0);
            outcome = HttpHealthProbe.classifyShallow(shallow.status(), shallow.body());
            if (outcome == ProbeOutcome.OK && deep) {
                outcome = deepCheck(target);
            }
        } catch (SocketTimeoutException e) {
            outcome = ProbeOutcome.TIMEOUT;
        } catch (ConnectException e) {
            outcome = ProbeOutcome.REFUSED;
        } catch (IOException | RuntimeException e) {
            outcome = ProbeOutcome.IO_ERROR;
        }
        boolean answered = outcome != ProbeOutcome.REFUSED && outcome != ProbeOutcome.TIMEOUT && outcome != ProbeOutcome.IO_ERROR;
        long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - t0);
        return new ProbeResult(outcome, startedAt, clock.instant(), answered ? micros : -1, deep);
    }

    /**
     * The healthcheck, judged lost after the host's {@link ReadAllowance}. The exchange itself may go on up to the
     * deep check's deadline on its own virtual thread: an answer that comes after the verdict still teaches the
     * allowance, so a host that turned slow (not dead) is judged by its new pace from the next round on, while a host
     * that does not answer at all is judged at the configured read timeout as before.
     */
    private Answer shallowCheck(HostTarget target, long t0) throws IOException {
        ReadAllowance allowance = allowances.computeIfAbsent(target.hostId(),
                host -> new ReadAllowance(settings.readTimeout(), settings.deepTimeout()));
        long allowed = allowance.nanos();
        var exchange = new CompletableFuture<Answer>();
        Thread.startVirtualThread(() -> {
            try {
                Answer answer = exchange(target, settings.healthcheckPath(), Map.of(), t0 + settings.deepTimeout().toNanos());
                allowance.answeredIn(System.nanoTime() - t0);
                exchange.complete(answer);
            } catch (IOException | RuntimeException e) {
                exchange.completeExceptionally(e);
            }
        });
        try {
            return exchange.get(Math.max(0, t0 + allowed - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new SocketTimeoutException("no answer within " + TimeUnit.NANOSECONDS.toMillis(allowed) + " ms");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private ProbeOutcome deepCheck(HostTarget target) {
        try {
            Answer answer = exchange(target, settings.deepCheckPath(), settings.deepCheckHeaders(),
                    System.nanoTime() + settings.deepTimeout().toNanos());
            return answer.status() / 100 == 2 ? ProbeOutcome.OK : ProbeOutcome.DEEP_CHECK_FAILED;
        } catch (SocketTimeoutException e) {
            return ProbeOutcome.DEEP_CHECK_TIMEOUT;
        } catch (IOException | RuntimeException e) {
            return ProbeOutcome.DEEP_CHECK_FAILED;
        }
    }

    /**
     * One GET on an idle kept-alive connection of the host, or a new one. A reused connection that turns out closed
     * (the server restarted or timed it out) is retried once on a fresh connection, so the outcome describes the host,
     * not a stale socket.
     */
    private Answer exchange(HostTarget target, String pathAndQuery, Map<String, String> headers, long deadlineNanos)
            throws IOException {
        Queue<Connection> idle = idleConnections.computeIfAbsent(target.hostId(), h -> new ConcurrentLinkedQueue<>());
        Connection pooled = idle.poll();
        if (pooled != null) {
            try {
                return exchangeOn(pooled, idle, target, pathAndQuery, headers, deadlineNanos);
            } catch (SocketTimeoutException e) {
                throw e;
            } catch (IOException staleConnection) {
                // fall through to a fresh connection
            }
        }
        Socket fresh = new Socket();
        try {
            fresh.setTcpNoDelay(true);
            fresh.connect(new InetSocketAddress(target.publicUrl().getHost(), port(target)),
                    (int) Math.max(1, Math.min(settings.connectTimeout().toMillis(), remainingMillis(deadlineNanos))));
        } catch (IOException e) {
            closeQuietly(fresh);
            throw e;
        }
        return exchangeOn(new Connection(fresh, new BufferedInputStream(fresh.getInputStream(), 2048),
                new BufferedOutputStream(fresh.getOutputStream(), 512)), idle, target, pathAndQuery, headers, deadlineNanos);
    }

    private Answer exchangeOn(Connection connection, Queue<Connection> idle, HostTarget target, String pathAndQuery,
                              Map<String, String> headers, long deadlineNanos) throws IOException {
        try {
            writeRequest(connection.out(), target, pathAndQuery, headers);
            Answer answer = readAnswer(connection.socket(), connection.in(), deadlineNanos);
            if (answer.keepAlive()) {
                idle.offer(connection);
            } else {
                connection.socket().close();
            }
            return answer;
        } catch (IOException e) {
            closeQuietly(connection.socket());
            throw e;
        }
    }

    private static void writeRequest(OutputStream out, HostTarget target, String pathAndQuery, Map<String, String> headers)
            throws IOException {
        var request = new StringBuilder(128).append("GET ").append(target.resolve(pathAndQuery).getRawPath());
        String query = target.resolve(pathAndQuery).getRawQuery();
        if (query != null) {
            request.append('?').append(query);
        }
        request.append(" HTTP/1.1\r\nHost: ").append(target.publicUrl().getRawAuthority())
                .append("\r\nUser-Agent: imagelib-host-monitor\r\nAccept: */*\r\n");
        headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        out.write(request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Status line, headers, then a Content-Length or chunked body (read fully so the connection can be reused). */
    private static Answer readAnswer(Socket socket, InputStream in, long deadlineNanos) throws IOException {
        String statusLine = readLine(socket, in, deadlineNanos);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP response: " + statusLine);
        }
        int status = Integer.parseInt(parts[1]);
        long contentLength = -1;
        boolean chunked = false;
        boolean keepAlive = parts[0].equals("HTTP/1.1");
        for (String line = readLine(socket, in, deadlineNanos); !line.isEmpty(); line = readLine(socket, in, deadlineNanos)) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> contentLength = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "connection" -> keepAlive = !value.equalsIgnoreCase("close");
                default -> { }
            }
        }
        var body = new ByteArrayOutputStream();
        if (chunked) {
            for (long size = chunkSize(socket, in, deadlineNanos); size > 0; size = chunkSize(socket, in, deadlineNanos)) {
                readBody(socket, in, size, body, deadlineNanos);
                readLine(socket, in, deadlineNanos);
            }
            readLine(socket, in, deadlineNanos);
        } else if (contentLength >= 0) {
            readBody(socket, in, contentLength, body, deadlineNanos);
        } else {
            keepAlive = false; // body runs to EOF; we only need the status
        }
        return new Answer(status, body.toString(StandardCharsets.ISO_8859_1), keepAlive && body.size() <= MAX_BODY);
    }

    private static long chunkSize(Socket socket, InputStream in, long deadlineNanos) throws IOException {
        String line = readLine(socket, in, deadlineNanos);
        int extension = line.indexOf(';');
        return Long.parseLong((extension < 0 ? line : line.substring(0, extension)).trim(), 16);
    }

    private static void readBody(Socket socket, InputStream in, long length, ByteArrayOutputStream body,
                                 long deadlineNanos) throws IOException {
        byte[] buffer = new byte[(int) Math.min(8192, Math.max(1, length))];
        long left = length;
        while (left > 0) {
            socket.setSoTimeout(remainingMillis(deadlineNanos));
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new IOException("connection closed mid-body");
            }
            if (body.size() < MAX_BODY) {
                body.write(buffer, 0, n);
            }
            left -= n;
        }
    }

    /** Reads one CRLF-terminated line from the connection's buffered stream. */
    private static String readLine(Socket socket, InputStream in, long deadlineNanos) throws IOException {
        var line = new StringBuilder(64);
        socket.setSoTimeout(remainingMillis(deadlineNanos));
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed");
            }
            if (b == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            if (line.length() > 8192) {
                throw new IOException("header line too long");
            }
            line.append((char) b);
        }
    }

    private static int remainingMillis(long deadlineNanos) throws SocketTimeoutException {
        long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
        if (left <= 0) {
            throw new SocketTimeoutException("probe deadline passed");
        }
        return (int) left;
    }

    private static int port(HostTarget target) {
        int port = target.publicUrl().getPort();
        return port > 0 ? port : 80;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private record Answer(int status, String body, boolean keepAlive) {
    }

    /** A kept-alive connection with its buffered streams (a buffer must live as long as its socket). */
    private record Connection(Socket socket, InputStream in, OutputStream out) {
    }
}
