package io.imagelib.router.web;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A lean blocking HTTP/1.1 client for image data ({@code GET/HEAD .../file}), the router's hot path. The body is
 * read from the socket straight into the caller's buffer on the caller's (virtual) thread; the JDK HttpClient reads
 * on its selector thread and hands every buffer to the reader through a queue, which made the routed download cost
 * about twice the CPU per GB of a direct one.
 * <p>
 * One connection per transfer ({@code Connection: close}): a download is long next to a connect, and no pool means no
 * stale pooled connection to tell apart from a failing host. Timeouts are socket timeouts: waiting for the response
 * headers is bounded by the response timeout, every body read by the idle timeout (a host that hangs mid-body, no FIN
 * nor RST, surfaces as a {@link SocketTimeoutException}); time spent writing to a slow client never counts.
 * Failures use the JDK HttpClient's exception types so that callers handle both clients alike.
 */
final class ImageDataClient {

    private static final int MAX_HEADER_BYTES = 64 * 1024;
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private final int connectMillis;
    private final int responseMillis;
    private final int idleMillis;

    ImageDataClient(Duration connectTimeout, Duration responseTimeout, Duration idleTimeout) {
        this.connectMillis = Math.toIntExact(connectTimeout.toMillis());
        this.responseMillis = Math.toIntExact(responseTimeout.toMillis());
        this.idleMillis = Math.toIntExact(idleTimeout.toMillis());
    }

    /** Sends a body-less request and returns once the response headers are in; the caller must close the body. */
    UpstreamResponse send(String method, URI url, List<Map.Entry<String, String>> headers) throws IOException {
        return send(method, url, headers, socket -> { });
    }

    /**
     * The same, handing the socket to {@code onSocket} before connecting, so another thread can cut the transfer at
     * any point by closing it (blocked connects and reads then fail at once).
     */
    UpstreamResponse send(String method, URI url, List<Map.Entry<String, String>> headers,
                          Consumer<Socket> onSocket) throws IOException {
        byte[] requestHead = requestHead(method, url, headers, "close");
        Socket socket = connect(url, onSocket);
        try {
            OutputStream out = socket.getOutputStream();
            out.write(requestHead);
            out.flush();
            Wire in = new Wire(socket.getInputStream());
            Head head = readHead(in);
            socket.setSoTimeout(idleMillis);
            boolean noBody = method.equals("HEAD") || head.status == 204 || head.status == 304;
            return new UpstreamResponse(head.status, head.headers, noBody ? closing(InputStream.nullInputStream(), socket) : body(head, in, socket));
        } catch (SocketTimeoutException timeout) {
            socket.close();
            throw new HttpTimeoutException("No response headers from " + url.getAuthority() + " within " + responseMillis + " ms");
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private Socket connect(URI url, Consumer<Socket> onSocket) throws IOException {
        boolean tls = "https".equalsIgnoreCase(url.getScheme());
        String host = url.getHost().startsWith("[") ? url.getHost().substring(1, url.getHost().length() - 1) : url.getHost();
        int port = url.getPort() >= 0 ? url.getPort() : tls ? 443 : 80;
        Socket socket = new Socket();
        onSocket.accept(socket);
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), connectMillis);
            socket.setSoTimeout(responseMillis);
        } catch (SocketTimeoutException timeout) {
            socket.close();
            throw new HttpConnectTimeoutException("Connect to " + url.getAuthority() + " timed out");
        } catch (UnknownHostException unknown) {
            socket.close();
            throw new ConnectException("Unknown host " + host);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        if (!tls) {
            return socket;
        }
        SSLSocket secure = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(socket, host, port, true);
        SSLParameters parameters = secure.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the JDK HttpClient checks the host name too
        secure.setSSLParameters(parameters);
        return secure;
    }

    /**
     * A request head for {@code url} with the given end-to-end headers.
     *
     * @param connection the Connection header's value: {@code close}, or {@code keep-alive} when the caller closes the
     *                   connection itself once the body is in (the data plane's splice needs the upstream to keep
     *                   its end open: Netty's epoll transport closes a spliced channel on the peer's FIN even with
     *                   bytes still queued)
     */
    static byte[] requestHead(String method, URI url, List<Map.Entry<String, String>> headers, String connection) {
        String target = url.getRawQuery() == null ? url.getRawPath() : url.getRawPath() + "?" + url.getRawQuery();
        StringBuilder head = new StringBuilder(512).append(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(url.getRawAuthority()).append("\r\n");
        for (Map.Entry<String, String> header : headers) {
            if (!TOKEN.matcher(header.getKey()).matches() || !validValue(header.getValue())) {
                throw new IllegalArgumentException("Header not forwardable: " + header.getKey());
            }
            head.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
        }
        return head.append("Connection: ").append(connection).append("\r\n\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static boolean validValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
                return false;
            }
        }
        return true;
    }

    private record Head(int status, HttpHeaders headers) {
        long contentLength() {
            return headers.firstValueAsLong("Content-Length").orElse(-1);
        }

        boolean chunked() {
            return headers.allValues("Transfer-Encoding").stream()
                    .anyMatch(value -> value.toLowerCase(Locale.ROOT).contains("chunked"));
        }
    }

    /** Status line and headers; interim 1xx answers are skipped. */
    private static Head readHead(Wire in) throws IOException {
        int[] budget = {MAX_HEADER_BYTES};
        while (true) {
            String statusLine = in.line(budget);
            if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 || statusLine.charAt(8) != ' ') {
                throw new IOException("Not an HTTP/1.x status line");
            }
            int status;
            try {
                status = Integer.parseInt(statusLine, 9, 12, 10);
            } catch (NumberFormatException malformed) {
                throw new IOException("Malformed status line");
            }
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (String line = in.line(budget); !line.isEmpty(); line = in.line(budget)) {
                int colon = line.indexOf(':');
                if (colon <= 0 || !TOKEN.matcher(line.substring(0, colon)).matches()) {
                    throw new IOException("Malformed response header line");
                }
                headers.computeIfAbsent(line.substring(0, colon), name -> new ArrayList<>()).add(line.substring(colon + 1).strip());
            }
            if (status >= 200) {
                return new Head(status, HttpHeaders.of(headers, (name, value) -> true));
            }
        }
    }

    private static InputStream body(Head head, Wire in, Socket socket) {
        if (head.chunked()) {
            return closing(new ChunkedBody(in), socket);
        }
        long length = head.contentLength();
        return closing(length >= 0 ? new LengthBody(in, length) : in, socket);
    }

    private static InputStream closing(InputStream body, Socket socket) {
        return new FilterInputStream(body) {
            @Override
            public void close() throws IOException {
                socket.close();
            }
        };
    }

    /**
     * The socket's input: the response head is parsed from a small buffer, then body reads go from the socket straight
     * into the caller's array (after whatever body bytes came in with the head).
     */
    private static final class Wire extends InputStream {
        private final InputStream socket;
        private final byte[] buffer = new byte[8192];
        private int position;
        private int limit;

        Wire(InputStream socket) {
            this.socket = socket;
        }

        @Override
        public int read() throws IOException {
            if (position == limit && !fill()) {
                return -1;
            }
            return buffer[position++] & 0xff;
        }

        @Override
        public int read(byte[] into, int offset, int length) throws IOException {
            if (position < limit) {
                int n = Math.min(length, limit - position);
                System.arraycopy(buffer, position, into, offset, n);
                position += n;
                return n;
            }
            return socket.read(into, offset, length);
        }

        private boolean fill() throws IOException {
            int n = socket.read(buffer, 0, buffer.length);
            position = 0;
            limit = Math.max(n, 0);
            return n > 0;
        }

        /** One CRLF (or LF) terminated line of a response head or chunk header, within the byte budget. */
        String line(int[] budget) throws IOException {
            StringBuilder line = new StringBuilder(64);
            for (int b = read(); b != '\n'; b = read()) {
                if (b < 0) {
                    throw new EOFException("Upstream closed inside a response head or chunk header");
                }
                if (--budget[0] < 0) {
                    throw new IOException("Response head or chunk header larger than " + MAX_HEADER_BYTES + " bytes");
                }
                line.append((char) b);
            }
            int end = line.length();
            return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
        }
    }

    /** A body read in spans of known length; an end of stream inside a span is a broken transfer, never a short success. */
    private abstract static class FramedBody extends InputStream {
        final Wire in;
        long left;

        FramedBody(Wire in, long left) {
            this.in = in;
            this.left = left;
        }

        /** Sets {@link #left} to the length of the next span; false when the body is complete. */
        abstract boolean nextSpan() throws IOException;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (left == 0 && !nextSpan()) {
                return -1;
            }
            int n = in.read(buffer, offset, (int) Math.min(length, left));
            if (n < 0) {
                throw new EOFException("Upstream closed with " + left + " bytes of the body or chunk missing");
            }
            left -= n;
            return n;
        }
    }

    /** Exactly {@code Content-Length} bytes. */
    private static final class LengthBody extends FramedBody {
        LengthBody(Wire in, long length) {
            super(in, length);
        }

        @Override
        boolean nextSpan() {
            return false;
        }
    }

    /** Transfer-Encoding: chunked (a Glance answer of unknown length); trailers are read and dropped. */
    private static final class ChunkedBody extends FramedBody {
        private boolean started;
        private boolean done;

        ChunkedBody(Wire in) {
            super(in, 0);
        }

        @Override
        boolean nextSpan() throws IOException {
            if (done) {
                return false;
            }
            if (started && !in.line(new int[] {MAX_HEADER_BYTES}).isEmpty()) {
                throw new IOException("Malformed chunk end");
            }
            started = true;
            String size = in.line(new int[] {MAX_HEADER_BYTES});
            int extension = size.indexOf(';');
            try {
                left = Long.parseLong((extension < 0 ? size : size.substring(0, extension)).strip(), 16);
            } catch (NumberFormatException malformed) {
                throw new IOException("Malformed chunk size");
            }
            if (left < 0) {
                throw new IOException("Negative chunk size");
            }
            if (left == 0) {
                int[] budget = {MAX_HEADER_BYTES};
                while (!in.line(budget).isEmpty()) {
                    // trailers: not forwarded
                }
                done = true;
            }
            return !done;
        }
    }
}
