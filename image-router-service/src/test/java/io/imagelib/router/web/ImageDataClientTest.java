package io.imagelib.router.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The lean image-data client against a scripted upstream socket: framing, interim answers, failures and timeouts. */
class ImageDataClientTest {

    private static final Duration SHORT = Duration.ofMillis(300);

    private final ImageDataClient client = new ImageDataClient(Duration.ofSeconds(2), SHORT, SHORT);
    private ServerSocket upstream;
    private final CompletableFuture<String> requestHead = new CompletableFuture<>();

    @BeforeEach
    void listen() throws IOException {
        upstream = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void stop() throws IOException {
        upstream.close();
    }

    /** Accepts one connection, records the request head, writes {@code answer} and then holds or closes the socket. */
    private void answer(String answer, boolean holdOpen) {
        Thread.ofVirtual().start(() -> {
            try (Socket socket = upstream.accept()) {
                requestHead.complete(readHead(socket.getInputStream()));
                OutputStream out = socket.getOutputStream();
                out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                if (holdOpen) {
                    Thread.sleep(5_000);
                }
            } catch (IOException | InterruptedException ignored) {
                // the test closed the server
            }
        });
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            head.write(in.read());
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private URI url(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + upstream.getLocalPort() + pathAndQuery);
    }

    private static String body(UpstreamResponse response) throws IOException {
        try (InputStream in = response.body()) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void sendsTheRequestHeadAndReadsAContentLengthBody() throws Exception {
        answer("HTTP/1.1 206 Partial Content\r\nContent-Length: 5\r\nContent-Range: bytes 2-6/10\r\nX-Multi: a\r\n"
                + "x-multi: b\r\n\r\nhello-and-more-than-promised", false);

        UpstreamResponse response = client.send("GET", url("/v2/images/abc/file?x=1%20"),
                List.of(Map.entry("X-Auth-Token", "secret"), Map.entry("Range", "bytes=2-6")));

        assertThat(response.status()).isEqualTo(206);
        assertThat(response.header("content-range")).isEqualTo("bytes 2-6/10");
        assertThat(response.headers().allValues("X-MULTI")).containsExactly("a", "b");
        assertThat(body(response)).isEqualTo("hello");
        assertThat(requestHead.get(5, TimeUnit.SECONDS)).isEqualTo("GET /v2/images/abc/file?x=1%20 HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + upstream.getLocalPort() + "\r\nX-Auth-Token: secret\r\nRange: bytes=2-6\r\n"
                + "Connection: close\r\n\r\n");
    }

    @Test
    void decodesAChunkedBodyAndSkipsInterimAnswers() throws Exception {
        answer("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: x\r\n\r\n", true);

        UpstreamResponse response = client.send("GET", url("/v2/images/abc/file"), List.of());

        assertThat(response.status()).isEqualTo(200);
        assertThat(body(response)).isEqualTo("hello world");
    }

    @Test
    void aBodyCutBeforeItsLengthIsAnErrorNotAShortSuccess() {
        answer("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf", false);

        assertThatThrownBy(() -> body(client.send("GET", url("/v2/images/abc/file"), List.of())))
                .isInstanceOf(EOFException.class);
    }

    @Test
    void aChunkedBodyCutInsideAChunkIsAnError() {
        answer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\nhalf", false);

        assertThatThrownBy(() -> body(client.send("GET", url("/v2/images/abc/file"), List.of())))
                .isInstanceOf(EOFException.class);
    }

    @Test
    void aMalformedChunkSizeIsAnError() {
        answer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n0\r\n\r\n", true);

        assertThatThrownBy(() -> body(client.send("GET", url("/v2/images/abc/file"), List.of())))
                .isInstanceOf(IOException.class).hasMessageContaining("chunk size");
    }

    @Test
    void headHasNoBodyWhateverItsContentLength() throws Exception {
        answer("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", true);

        UpstreamResponse response = client.send("HEAD", url("/v2/images/abc/file"), List.of());

        assertThat(response.header("Content-Length")).isEqualTo("1000");
        assertThat(body(response)).isEmpty();
    }

    @Test
    void aRefusedConnectionIsAConnectException() throws IOException {
        URI closed = url("/v2/images/abc/file");
        upstream.close();

        assertThatThrownBy(() -> client.send("GET", closed, List.of())).isInstanceOf(ConnectException.class);
    }

    @Test
    void noResponseHeadersWithinTheResponseTimeoutIsAnHttpTimeout() {
        answer("", true);

        assertThatThrownBy(() -> client.send("GET", url("/v2/images/abc/file"), List.of()))
                .isInstanceOf(HttpTimeoutException.class);
    }

    @Test
    void aBodyThatStallsLongerThanTheIdleTimeoutFailsTheRead() throws Exception {
        answer("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf", true);
        UpstreamResponse response = client.send("GET", url("/v2/images/abc/file"), List.of());
        byte[] buffer = new byte[10];

        try (InputStream in = response.body()) {
            assertThat(in.read(buffer)).isEqualTo(4);
            assertThatThrownBy(() -> in.read(buffer)).isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void aConnectionClosedBeforeTheHeadIsAnIoErrorNotATimeout() {
        answer("HTTP/1.1 200 OK\r\nContent-", false);

        assertThatThrownBy(() -> client.send("GET", url("/v2/images/abc/file"), List.of()))
                .isInstanceOf(EOFException.class);
    }

    @Test
    void refusesHeaderValuesThatWouldSplitTheRequest() {
        assertThatThrownBy(() -> client.send("GET", url("/v2/images/abc/file"),
                List.of(Map.entry("X-Auth-Token", "a\r\nX-Evil: 1"))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aReadCutByItsHostLeavingTheLiveSetFailsAtOnceAsAbortedNotAfterTheIdleTimeout() throws Exception {
        answer("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", true);
        ImageDataClient patient = new ImageDataClient(Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(30));
        InFlightReads reads = new InFlightReads();
        InFlightReads.Flight flight = reads.open("h1");
        UpstreamResponse response = patient.send("GET", url("/v2/images/abc/file"), List.of(), flight::onAbort);
        try (InputStream in = flight.guard(response.body())) {
            assertThat(in.readNBytes(3)).isEqualTo("abc".getBytes(StandardCharsets.ISO_8859_1));
            assertThat(reads.count("h1")).isEqualTo(1);
            Thread.ofVirtual().start(() -> {
                sleep(200);
                reads.abort("h1");
            });
            long started = System.nanoTime();
            assertThatThrownBy(() -> in.read(new byte[8])).isInstanceOf(InFlightReads.Aborted.class);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        }
        assertThat(reads.count("h1")).as("closing the body ends the flight").isZero();
    }

    @Test
    void aReadWaitingForHeadersIsCutToo() {
        upstreamAcceptsButNeverAnswers();
        ImageDataClient patient = new ImageDataClient(Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(30));
        InFlightReads reads = new InFlightReads();
        InFlightReads.Flight flight = reads.open("h1");
        Thread.ofVirtual().start(() -> {
            sleep(200);
            reads.abort("h1");
        });
        long started = System.nanoTime();
        assertThatThrownBy(() -> {
            try {
                patient.send("GET", url("/v2/images/abc/file"), List.of(), flight::onAbort);
            } catch (IOException failed) {
                throw flight.because(failed);
            }
        }).isInstanceOf(InFlightReads.Aborted.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void abortingAHostLeavesReadsToOtherHostsAlone() {
        InFlightReads reads = new InFlightReads();
        InFlightReads.Flight toH1 = reads.open("h1");
        InFlightReads.Flight toH2 = reads.open("h2");
        assertThat(reads.abort("h1")).isEqualTo(1);
        assertThat(toH1.aborted()).isTrue();
        assertThat(toH2.aborted()).isFalse();
        IOException failure = new IOException("Socket closed");
        assertThat(toH1.because(failure)).isInstanceOf(InFlightReads.Aborted.class);
        assertThat(toH2.because(failure)).isSameAs(failure);
    }

    private void upstreamAcceptsButNeverAnswers() {
        Thread.ofVirtual().start(() -> {
            try (Socket socket = upstream.accept()) {
                readHead(socket.getInputStream());
                Thread.sleep(10_000);
            } catch (IOException | InterruptedException ignored) {
                // the test closed the server
            }
        });
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
