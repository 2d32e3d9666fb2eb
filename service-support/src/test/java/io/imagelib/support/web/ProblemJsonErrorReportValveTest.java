package io.imagelib.support.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.imagelib.support.kafka.ImagelibKafkaAutoConfiguration;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** Requests Tomcat refuses before any servlet runs still get problem+json, not Tomcat's HTML page. */
@SpringBootTest(classes = ProblemJsonErrorReportValveTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ProblemJsonErrorReportValveTest {

    @SpringBootApplication(exclude = {KafkaAutoConfiguration.class, ImagelibKafkaAutoConfiguration.class})
    @RestController
    static class App {
        @GetMapping("/items/{id}")
        String item(@PathVariable String id) {
            return id;
        }
    }

    @LocalServerPort
    int port;

    @ParameterizedTest
    @ValueSource(strings = {"/items/..%2F..%2Fetc", "/items/a%5Cb", "/items/%00", "/items/%zz"})
    void aTargetTomcatRefusesIsAnsweredWithProblemJson(String target) throws IOException {
        String response = raw("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");

        assertThat(response).startsWith("HTTP/1.1 400").containsIgnoringCase("Content-Type: application/problem+json")
                .contains("\"type\":\"https://imagelib.io/problems/invalid-request-target\"")
                .contains("\"status\":400").contains("encoded slashes").doesNotContain("<html");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/items/../../etc/passwd", "/items/a;jsessionid=1", "/nothing-here"})
    void errorsSentOutsideSpringMvcAreProblemJsonToo(String target) throws IOException {
        String response = raw("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");

        assertThat(response).matches("(?s)HTTP/1.1 40[04].*").containsIgnoringCase("Content-Type: application/problem+json")
                .contains("\"type\":\"https://imagelib.io/problems/").doesNotContain("\"timestamp\"").doesNotContain("<html");
    }

    @Test
    void anOrdinaryRequestIsUntouched() throws IOException {
        assertThat(raw("GET /items/a-1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 200").endsWith("a-1");
    }

    private String raw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
