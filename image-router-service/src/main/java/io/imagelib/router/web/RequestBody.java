package io.imagelib.router.web;

import jakarta.servlet.http.HttpServletRequest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;

/**
 * The client's request body as the upstream request gets it. Image data (upload, stage) is streamed and can be sent
 * once; the small JSON bodies of other requests are held (bounded) so that they can be sent to another host.
 */
abstract sealed class RequestBody {

    static final RequestBody NONE = new Held(new byte[0]);

    abstract BodyPublisher publisher();

    /** False once bytes were taken from a streamed body: they cannot be sent to another host. */
    abstract boolean replayable();

    abstract long bytesSent();

    abstract byte[] held();

    static RequestBody of(HttpServletRequest request, boolean streamed, long maxHeld) throws IOException {
        long length = request.getContentLengthLong();
        boolean chunked = request.getHeader("Transfer-Encoding") != null;
        if (length <= 0 && !chunked) {
            return NONE;
        }
        if (streamed) {
            return new Streamed(request.getInputStream(), length);
        }
        if (length > maxHeld) {
            throw new TooLarge(maxHeld);
        }
        byte[] bytes = request.getInputStream().readNBytes((int) maxHeld + 1);
        if (bytes.length > maxHeld) {
            throw new TooLarge(maxHeld);
        }
        return new Held(bytes);
    }

    static final class TooLarge extends RuntimeException {
        final long max;

        TooLarge(long max) {
            super(null, null, false, false);
            this.max = max;
        }
    }

    private static final class Held extends RequestBody {
        private final byte[] bytes;

        Held(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        BodyPublisher publisher() {
            return bytes.length == 0 ? BodyPublishers.noBody() : BodyPublishers.ofByteArray(bytes);
        }

        @Override
        boolean replayable() {
            return true;
        }

        @Override
        long bytesSent() {
            return bytes.length;
        }

        @Override
        byte[] held() {
            return bytes;
        }
    }

    /** Read on demand by the HTTP client as the upstream socket takes it: back-pressure reaches the client. */
    private static final class Streamed extends RequestBody {
        private final Counting in;
        private final long length;

        Streamed(InputStream in, long length) {
            this.in = new Counting(in);
            this.length = length;
        }

        @Override
        BodyPublisher publisher() {
            BodyPublisher stream = BodyPublishers.ofInputStream(() -> in);
            return length > 0 ? BodyPublishers.fromPublisher(stream, length) : stream;
        }

        @Override
        boolean replayable() {
            return in.count == 0;
        }

        @Override
        long bytesSent() {
            return in.count;
        }

        @Override
        byte[] held() {
            return new byte[0];
        }
    }

    private static final class Counting extends FilterInputStream {
        private volatile long count;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        /** The HTTP client closes its source at the end; the servlet container owns the request stream. */
        @Override
        public void close() {
        }
    }
}
