package io.imagelib.deploy.local;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** One quick look at a component of a local stack: did it answer, and how (readiness waits, ilctl status). */
public final class HttpProbe {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    // HTTP/1.1 pinned: no h2c upgrade offer, which uwsgi (Keystone) and eventlet (glance-api) do not expect.
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT).build();

    private HttpProbe() {
    }

    /** What a GET got back; status 0 when nothing answered. */
    public record Answer(int status, String body) {
        public boolean ok() {
            return status == 200;
        }

        public String describe() {
            return status == 0 ? "no answer" : "HTTP " + status + (body.isBlank() ? "" : " " + body.strip().lines().findFirst().orElse(""));
        }
    }

    public static Answer get(String url) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            String body = response.body() == null ? "" : response.body();
            return new Answer(response.statusCode(), body.length() > 200 ? body.substring(0, 200) : body);
        } catch (IOException e) {
            return new Answer(0, "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(0, "");
        }
    }

    public static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) TIMEOUT.toMillis());
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
