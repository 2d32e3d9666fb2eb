package io.imagelib.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.imagelib.deploy.local.LocalResources;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client that knows several routers: which failures it makes again elsewhere, against real local HTTP servers. */
class GlanceClientTest {

    private static final byte[] IMAGE = "image bytes".getBytes(StandardCharsets.UTF_8);
    private final List<HttpServer> servers = new ArrayList<>();

    @AfterEach
    void stopServers() {
        servers.forEach(s -> s.stop(0));
    }

    @Test
    void connectFailuresCutBodiesAnd5xxAreMadeAgainOnAnotherRouter() {
        assertThat(GlanceClient.retryCause(new ConnectException("refused"))).contains("connect");
        assertThat(GlanceClient.retryCause(new HttpConnectTimeoutException("no SYN-ACK"))).contains("connect");
        assertThat(GlanceClient.retryCause(new IOException("Connection reset"))).contains("reset");
        assertThat(GlanceClient.retryCause(new EOFException("EOF reached while reading"))).contains("reset");
        assertThat(GlanceClient.retryCause(status(502, "{}"))).contains("502");
        assertThat(GlanceClient.retryCause(status(503, "{\"type\":\"https://imagelib.io/problems/no-healthy-host\"}"))).contains("503");
    }

    @Test
    void answersBelow500TimeoutsAndTheRoutersCreateAgainAreNotMadeAgainOnAnotherRouter() {
        assertThat(GlanceClient.retryCause(status(404, "{}"))).isEmpty();
        assertThat(GlanceClient.retryCause(status(409, "{}"))).isEmpty();
        assertThat(GlanceClient.retryCause(new HttpTimeoutException("request timed out"))).isEmpty();
        assertThat(GlanceClient.retryCause(status(503, "{\"type\":\"https://imagelib.io/problems/upload-interrupted\","
                + "\"detail\":\"the image (left saving) was removed: create it again and upload its data.\"}"))).isEmpty();
    }

    @Test
    void aDownloadGoesToTheOtherRouterWhenOneRefusesConnectionsOrAnswers503() throws Exception {
        URI refusing = URI.create("http://127.0.0.1:" + LocalResources.freePort());
        URI unavailable = server(Map.of("GET /v2/images/i1/file", new Answer(503, "{}")));
        URI serving = server(Map.of("GET /v2/images/i1/file", new Answer(200, new String(IMAGE, StandardCharsets.UTF_8))));
        GlanceClient client = new GlanceClient(Duration.ofSeconds(1), Duration.ofSeconds(5)).acrossRouters(List.of(refusing, unavailable, serving));

        assertThat(client.downloadSha256(refusing, "i1")).isEqualTo(GlanceClient.sha256Hex(IMAGE));
        assertThat(client.retries()).isEqualTo(Map.of("connect", 1L, "503", 1L));
    }

    @Test
    void aRouterThatIsNotInTheListIsCalledOnceAsBefore() throws Exception {
        URI unavailable = server(Map.of("GET /v2/images/i1/file", new Answer(503, "{}")));
        GlanceClient client = new GlanceClient(Duration.ofSeconds(1), Duration.ofSeconds(5));

        assertThatThrownBy(() -> client.downloadSha256(unavailable, "i1")).isInstanceOf(GlanceClient.UnexpectedStatus.class)
                .hasMessageContaining("answered 503");
        assertThat(client.retries()).isEmpty();
    }

    @Test
    void anUploadTheRouterAsksToCreateAgainIsCreatedAndUploadedAgain() throws Exception {
        AtomicInteger created = new AtomicInteger();
        URI router = server(Map.of(
                "POST /v2/images", new Answer(201, null) {
                    @Override
                    String body() {
                        return "{\"id\":\"i" + created.incrementAndGet() + "\"}";
                    }
                },
                "PUT /v2/images/i1/file", new Answer(503, "{\"type\":\"https://imagelib.io/problems/upload-interrupted\","
                        + "\"detail\":\"Host glance-3 failed while receiving the data of image i1; the image (left saving) was removed: "
                        + "create it again and upload its data.\"}"),
                "PUT /v2/images/i2/file", new Answer(204, "")));
        GlanceClient client = new GlanceClient(Duration.ofSeconds(1), Duration.ofSeconds(5)).acrossRouters(List.of(router));
        List<String> ids = new ArrayList<>();

        assertThat(client.createAndUpload(router, "again", IMAGE, ids::add)).isEqualTo("i2");
        assertThat(ids).containsExactly("i1", "i2");
        assertThat(client.retries()).isEqualTo(Map.of("create again", 1L));
    }

    @Test
    void anUploadWhoseAnswerWasLostIsDoneWhenTheRetryFindsTheImageActiveWithTheSameBytes() throws Exception {
        Answer imageShow = new Answer(200, "{\"id\":\"i1\",\"status\":\"active\"}");
        Answer imageData = new Answer(200, new String(IMAGE, StandardCharsets.UTF_8));
        URI diedAfterStoring = server(Map.of("PUT /v2/images/i1/file", new Answer(502, "{}"),
                "GET /v2/images/i1", imageShow, "GET /v2/images/i1/file", imageData));
        URI other = server(Map.of(
                "PUT /v2/images/i1/file", new Answer(409, "Image status transition from active to saving is not allowed"),
                "GET /v2/images/i1", imageShow, "GET /v2/images/i1/file", imageData));
        GlanceClient client = new GlanceClient(Duration.ofSeconds(1), Duration.ofSeconds(5)).acrossRouters(List.of(diedAfterStoring, other));

        client.upload(diedAfterStoring, "i1", IMAGE);
        assertThat(client.retries()).isEqualTo(Map.of("502", 1L, "already uploaded", 1L));

        byte[] otherBytes = "other bytes".getBytes(StandardCharsets.UTF_8);
        GlanceClient fresh = new GlanceClient(Duration.ofSeconds(1), Duration.ofSeconds(5)).acrossRouters(List.of(diedAfterStoring, other));
        assertThatThrownBy(() -> fresh.upload(diedAfterStoring, "i1", otherBytes))
                .as("an image holding other data is a real conflict").isInstanceOf(GlanceClient.UnexpectedStatus.class)
                .hasMessageContaining("answered 409");
    }

    @Test
    void a409OnTheFirstAttemptIsAConflictNotAnUploadDone() throws Exception {
        URI router = server(Map.of(
                "PUT /v2/images/i1/file", new Answer(409, "Image status transition from active to saving is not allowed"),
                "GET /v2/images/i1", new Answer(200, "{\"id\":\"i1\",\"status\":\"active\"}"),
                "GET /v2/images/i1/file", new Answer(200, new String(IMAGE, StandardCharsets.UTF_8))));
        GlanceClient client = new GlanceClient(Duration.ofSeconds(1), Duration.ofSeconds(5)).acrossRouters(List.of(router));

        assertThatThrownBy(() -> client.upload(router, "i1", IMAGE)).hasMessageContaining("answered 409");
    }

    private static GlanceClient.UnexpectedStatus status(int status, String body) {
        return new GlanceClient.UnexpectedStatus("GET http://router/v2/images", status, "200", body);
    }

    /** A canned answer; {@link #body} may differ per call. */
    private static class Answer {
        final int status;
        final String body;

        Answer(int status, String body) {
            this.status = status;
            this.body = body;
        }

        String body() {
            return body;
        }
    }

    private URI server(Map<String, Answer> answers) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> answer(exchange, Optional.ofNullable(answers.get(
                exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath()))));
        server.start();
        servers.add(server);
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static void answer(HttpExchange exchange, Optional<Answer> answer) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            byte[] body = answer.map(Answer::body).orElse("{}").getBytes(StandardCharsets.UTF_8);
            int status = answer.map(a -> a.status).orElse(404);
            exchange.sendResponseHeaders(status, status == 204 || body.length == 0 ? -1 : body.length);
            if (body.length > 0 && status != 204) {
                exchange.getResponseBody().write(body);
            }
        }
    }
}
