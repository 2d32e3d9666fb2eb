package io.imagelib.role.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.imagelib.role.LocalGlance;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The probe against real sockets: a healthy Glance, a draining one, a closed port and one that hangs. */
class HttpHealthcheckProbeTest {

    final LocalGlance glance = new LocalGlance();
    /** The production bound: generous enough for a loaded CI machine. */
    final HttpHealthcheckProbe probe = new HttpHealthcheckProbe(Duration.ofSeconds(2));

    @AfterEach
    void stop() {
        glance.close();
    }

    @Test
    void aGlanceAnswering200IsHealthy() {
        ProbeResult result = probe.check(glance.url());

        assertThat(result.isHealthy()).isTrue();
        assertThat(result.url()).isEqualTo(glance.url() + "/healthcheck");
        assertThat(glance.requestedPaths()).containsExactly("/healthcheck");
    }

    @Test
    void theHealthcheckSitsUnderThePublicUrlsPath() {
        probe.check(glance.url() + "/image-proxy/");

        assertThat(glance.requestedPaths()).containsExactly("/image-proxy/healthcheck");
    }

    @Test
    void aDrainingGlanceIsNotHealthy() {
        ProbeResult result = probe.check(glance.answering(503).url());

        assertThat(result.isHealthy()).isFalse();
        assertThat(result.failure()).contains("HTTP 503");
    }

    @Test
    void aClosedPortIsReportedAsRefused() throws IOException {
        int closedPort;
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        ProbeResult result = probe.check("http://127.0.0.1:" + closedPort);

        assertThat(result.isHealthy()).isFalse();
        assertThat(result.failure()).contains("refused");
    }

    @Test
    void aHangingGlanceTimesOutWithinTheBound() {
        glance.slowBy(Duration.ofSeconds(10));
        var impatient = new HttpHealthcheckProbe(Duration.ofMillis(500));
        long start = System.nanoTime();

        ProbeResult result = impatient.check(glance.url());

        assertThat(result.failure()).contains("timeout").contains("500 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
}
