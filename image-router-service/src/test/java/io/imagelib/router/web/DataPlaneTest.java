package io.imagelib.router.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.FullHttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.http.HttpStatus;

class DataPlaneTest {

    @ParameterizedTest(name = "Host {0} -> {2}")
    @CsvSource(nullValues = "none", value = {
            "router.example:9293, 10.0.0.1, http://router.example:9292/v2/images?limit=1",
            "router.example, 10.0.0.1, http://router.example:9292/v2/images?limit=1",
            "[2001:db8::1]:9293, 10.0.0.1, http://[2001:db8::1]:9292/v2/images?limit=1",
            "[2001:db8::1], 10.0.0.1, http://[2001:db8::1]:9292/v2/images?limit=1",
            "none, 10.0.0.1, http://10.0.0.1:9292/v2/images?limit=1",
            "none, 2001:db8::2, http://[2001:db8::2]:9292/v2/images?limit=1"})
    void redirectsKeepTheHostTheClientUsedAndNameTheServletPort(String hostHeader, String localHost, String expected) {
        assertThat(DataPlane.redirectLocation(hostHeader, localHost, 9292, "/v2/images?limit=1")).isEqualTo(expected);
    }

    @Test
    void itsOwnAnswersAreProblemJson() {
        FullHttpResponse response = DataPlane.problem(HttpStatus.BAD_GATEWAY, "upstream-unavailable", "No image-library host answered", "Tried hosts [a]");

        assertThat(response.status().code()).isEqualTo(502);
        assertThat(response.headers().get("Content-Type")).isEqualTo("application/problem+json");
        assertThat(response.headers().getInt("Content-Length")).isEqualTo(response.content().readableBytes());
        assertThat(response.content().toString(StandardCharsets.UTF_8)).isEqualTo("{\"type\":\"https://imagelib.io/problems/upstream-unavailable\","
                + "\"title\":\"No image-library host answered\",\"status\":502,\"detail\":\"Tried hosts [a]\"}");
        response.release();
    }
}
