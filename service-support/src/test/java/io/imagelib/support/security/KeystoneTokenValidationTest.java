package io.imagelib.support.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.imagelib.support.kafka.ImagelibKafkaAutoConfiguration;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Keystone tokens on a mutating call, against a stand-in Keystone that implements GET /v3/auth/tokens the way
 * Keystone does for a token validating itself (200 with user and roles, 404 for an unknown token).
 */
@SpringBootTest(classes = KeystoneTokenValidationTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class KeystoneTokenValidationTest {

    static final AtomicInteger keystoneCalls = new AtomicInteger();
    static final Map<String, String> ROLES_BY_TOKEN = Map.of("ks-admin-token", "admin", "ks-member-token", "member",
            "ks-cached-token", "admin");
    static final HttpServer keystone = startKeystone();

    @SpringBootApplication(exclude = {KafkaAutoConfiguration.class, ImagelibKafkaAutoConfiguration.class})
    @RestController
    static class App {
        @PutMapping("/items")
        String put(java.security.Principal principal) {
            return principal.getName();
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("imagelib.security.tokens[0].token", () -> "static-admin-token");
        registry.add("imagelib.security.tokens[0].principal", () -> "ops");
        registry.add("imagelib.security.tokens[0].roles[0]", () -> "admin");
        registry.add("imagelib.security.keystone.url", () -> "http://127.0.0.1:" + keystone.getAddress().getPort());
    }

    @AfterAll
    static void stopKeystone() {
        keystone.stop(0);
    }

    @LocalServerPort
    int port;

    @Test
    void aKeystoneUserWithTheAdminRoleMayMutateUnderTheirKeystoneName() throws Exception {
        HttpResponse<String> response = put("X-Auth-Token", "ks-admin-token");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("keystone:Default/alice");
    }

    @Test
    void aKeystoneUserWithoutTheAdminRoleIsForbidden() throws Exception {
        HttpResponse<String> response = put("Authorization", "Bearer ks-member-token");

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("\"type\":\"https://imagelib.io/problems/forbidden\"");
    }

    @Test
    void aTokenKeystoneDoesNotKnowIsUnauthenticated() throws Exception {
        HttpResponse<String> response = put("X-Auth-Token", "forged-token");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    }

    @Test
    void aConfiguredTokenNeverReachesKeystone() throws Exception {
        int before = keystoneCalls.get();

        assertThat(put("Authorization", "Bearer static-admin-token").body()).isEqualTo("ops");
        assertThat(keystoneCalls.get()).isEqualTo(before);
    }

    @Test
    void aValidatedTokenIsAskedAboutOnceWithinTheCacheTime() throws Exception {
        int before = keystoneCalls.get();
        for (int i = 0; i < 5; i++) {
            assertThat(put("X-Auth-Token", "ks-cached-token").statusCode()).isEqualTo(200);
        }
        assertThat(keystoneCalls.get() - before).isEqualTo(1);
    }

    private HttpResponse<String> put(String header, String value) throws IOException, InterruptedException {
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/items"))
                    .header(header, value).PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    /** Answers like Keystone: a token may validate itself; a different X-Auth-Token and X-Subject-Token is a 403. */
    private static HttpServer startKeystone() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/v3/auth/tokens", exchange -> {
                keystoneCalls.incrementAndGet();
                String auth = exchange.getRequestHeaders().getFirst("X-Auth-Token");
                String subject = exchange.getRequestHeaders().getFirst("X-Subject-Token");
                String role = ROLES_BY_TOKEN.get(subject);
                int status = auth == null || !auth.equals(subject) ? 403 : role == null ? 404 : 200;
                byte[] body = status != 200 ? new byte[0] : """
                        {"token":{"expires_at":"%s","user":{"name":"alice","domain":{"name":"Default"}},
                         "roles":[{"name":"reader"},{"name":"%s"}]}}"""
                        .formatted(Instant.now().plus(1, ChronoUnit.HOURS), role).getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
                if (body.length > 0) {
                    exchange.getResponseBody().write(body);
                }
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
