package io.imagelib.support.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeystoneTokenValidatorTest {

    @Test
    void whenKeystoneCannotBeAskedTheTokenIsRefusedAndAskedAboutAgainNextTime() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        var meters = new SimpleMeterRegistry();
        var validator = new KeystoneTokenValidator(new ImagelibSecurityProperties.Keystone(
                URI.create("http://127.0.0.1:" + closedPort), List.of("admin"), Duration.ofSeconds(1),
                Duration.ofSeconds(60), Duration.ofSeconds(10), 100), HttpClient.newHttpClient(), Clock.systemUTC(), meters);

        assertThat(validator.validate("some-token")).isEmpty();
        assertThat(validator.validate("some-token")).isEmpty();
        assertThat(meters.counter("imagelib.security.keystone.validations", "outcome", "unavailable").count())
                .as("an outage is not cached as a refusal").isEqualTo(2);
    }
}
