package io.imagelib.monitor.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.imagelib.monitor.domain.Hysteresis;
import io.imagelib.monitor.domain.ProbeOutcome;
import io.imagelib.monitor.domain.ProbeResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The virtual-thread HTTP/1.1 probe against a scripted socket server: framing, keep-alive, stale connections. */
class SocketHealthProbeTest {

    private static final ProbeSettings SETTINGS = new ProbeSettings(Duration.ofMillis(250), Duration.ofMillis(250),
            Duration.ofMillis(400), Duration.ofSeconds(1), new Hysteresis(2, 2, 1, 8), 100, 2, Duration.ofMillis(100), 500,
            "/healthcheck", "/v2/images?limit=1", Map.of("X-Roles", "reader"), Duration.ofMillis(500));

    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private ServerSocket server;

    /** Answers every request line with {@code script(requestLine)}: raw bytes, framing included. */
    private HostTarget serve(Function<String, String> script) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    accepted.add(socket);
                    Thread.ofVirtual().start(() -> answer(socket, script));
                } catch (IOException closed) {
                    return;
                }
            }
        });
        return new HostTarget("h1", "SJC", URI.create("http://127.0.0.1:" + server.getLocalPort()));
    }

    private void answer(Socket socket, Function<String, String> script) {
        try (socket; var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1))) {
            for (String request = in.readLine(); request != null; request = in.readLine()) {
                StringBuilder head = new StringBuilder(request);
                for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                    head.append('\n').append(line);
                }
                requests.add(head.toString());
                socket.getOutputStream().write(script.apply(request).getBytes(StandardCharsets.ISO_8859_1));
            }
        } catch (IOException e) {
            // client closed
        }
    }

    /** A script's answer sent after {@code delay}: a slow or, past the probe's deadlines, a silent host. */
    private static String after(Duration delay, String answer) {
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return answer;
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    private static ProbeResult probe(HostTarget target, boolean deep) throws Exception {
        return new SocketHealthProbe(SETTINGS, Clock.systemUTC(), (t, d) -> {
            throw new AssertionError("no TLS here");
        }).probe(target, deep).get(5, TimeUnit.SECONDS);
    }

    @Test
    void chunkedAnswersAreReadAndTheDeepCheckCarriesItsHeadersOnTheSameConnection() throws Exception {
        HostTarget target = serve(request -> request.startsWith("GET /healthcheck")
                ? "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nOK\r\n0\r\n\r\n"
                : "HTTP/1.1 200 OK\r\nContent-Length: 14\r\n\r\n{\"images\": []}");
        var probe = new SocketHealthProbe(SETTINGS, Clock.systemUTC(), null);

        ProbeResult result = probe.probe(target, true).get(5, TimeUnit.SECONDS);
        assertThat(result.outcome()).isEqualTo(ProbeOutcome.OK);
        assertThat(result.latencyMicros()).isPositive();
        assertThat(requests).hasSize(2);
        assertThat(requests.get(1)).startsWith("GET /v2/images?limit=1 HTTP/1.1").contains("X-Roles: reader");

        assertThat(probe.probe(target, false).get(5, TimeUnit.SECONDS).outcome()).isEqualTo(ProbeOutcome.OK);
        assertThat(accepted).as("kept alive").hasSize(1);
    }

    @Test
    void disabledByFileAndAFailedDeepCheckAreTold() throws Exception {
        HostTarget draining = serve(request -> "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 16\r\n\r\nDISABLED BY FILE");
        assertThat(probe(draining, true).outcome()).isEqualTo(ProbeOutcome.DISABLED_BY_FILE);
        assertThat(requests).as("no deep check on a draining host").hasSize(1);
        server.close();

        HostTarget noDatabase = serve(request -> request.startsWith("GET /healthcheck")
                ? "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK"
                : "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n");
        assertThat(probe(noDatabase, true).outcome()).isEqualTo(ProbeOutcome.DEEP_CHECK_FAILED);
    }

    @Test
    void aDeepCheckThatDoesNotAnswerInTimeIsADeepCheckTimeoutNotAFailure() throws Exception {
        HostTarget slowDatabase = serve(request -> request.startsWith("GET /healthcheck")
                ? "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK"
                : after(Duration.ofSeconds(2), "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
        ProbeResult result = probe(slowDatabase, true);
        assertThat(result.outcome()).isEqualTo(ProbeOutcome.DEEP_CHECK_TIMEOUT);
        assertThat(result.outcome().inconclusive()).as("a busy host's slow database query, excusable").isTrue();
    }

    @Test
    void aKeptAliveConnectionTheServerClosedIsRetriedOnAFreshOne() throws Exception {
        HostTarget target = serve(request -> "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK");
        var probe = new SocketHealthProbe(SETTINGS, Clock.systemUTC(), null);
        assertThat(probe.probe(target, false).get(5, TimeUnit.SECONDS).outcome()).isEqualTo(ProbeOutcome.OK);
        accepted.getFirst().close();

        assertThat(probe.probe(target, false).get(5, TimeUnit.SECONDS).outcome()).isEqualTo(ProbeOutcome.OK);
        assertThat(accepted).hasSize(2);
    }

    @Test
    void noAnswerIsATimeoutAndAClosedPortIsRefused() throws Exception {
        HostTarget silent = serve(request -> after(Duration.ofSeconds(2), ""));
        ProbeResult hung = probe(silent, false);
        assertThat(hung.outcome()).isEqualTo(ProbeOutcome.TIMEOUT);
        assertThat(hung.latencyMicros()).isEqualTo(-1);
        assertThat(Duration.between(hung.startedAt(), hung.finishedAt())).isBetween(Duration.ofMillis(390), Duration.ofMillis(1500));

        int closedPort;
        try (var nobodyListens = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = nobodyListens.getLocalPort();
        }
        var gone = new HostTarget("h2", "SJC", URI.create("http://127.0.0.1:" + closedPort));
        assertThat(probe(gone, false).outcome()).isEqualTo(ProbeOutcome.REFUSED);
    }

    /**
     * The healthcheck turns slow (600 ms, over the 400 ms read timeout): the first round is a timeout, but its late
     * answer teaches the host's allowance, so the next rounds are OK. Before the allowance every round was a timeout,
     * and two in a row made a busy Glance host DOWN.
     */
    @Test
    void aHostThatTurnedSlowIsATimeoutOnceThenJudgedByItsNewPace() throws Exception {
        HostTarget slow = serve(request -> after(Duration.ofMillis(600), "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK"));
        var probe = new SocketHealthProbe(SETTINGS, Clock.systemUTC(), null);

        ProbeResult first = probe.probe(slow, false).get(5, TimeUnit.SECONDS);
        assertThat(first.outcome()).isEqualTo(ProbeOutcome.TIMEOUT);
        assertThat(Duration.between(first.startedAt(), first.finishedAt())).isLessThan(Duration.ofMillis(600));
        Thread.sleep(400); // the late answer arrives

        for (int round = 0; round < 3; round++) {
            ProbeResult next = probe.probe(slow, false).get(5, TimeUnit.SECONDS);
            assertThat(next.outcome()).as("round %d after the late answer", round + 2).isEqualTo(ProbeOutcome.OK);
            assertThat(next.latencyMicros()).isGreaterThanOrEqualTo(600_000);
        }
    }

    @Test
    void connectionCloseAnswersAreNotKept() throws Exception {
        HostTarget target = serve(request -> "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nOK");
        var probe = new SocketHealthProbe(SETTINGS, Clock.systemUTC(), null);
        assertThat(probe.probe(target, false).get(5, TimeUnit.SECONDS).outcome()).isEqualTo(ProbeOutcome.OK);
        assertThat(probe.probe(target, false).get(5, TimeUnit.SECONDS).outcome()).isEqualTo(ProbeOutcome.OK);
        assertThat(accepted).hasSize(2);
    }
}
