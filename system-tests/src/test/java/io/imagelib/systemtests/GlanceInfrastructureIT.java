package io.imagelib.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scenario (a): the test bed itself. Three real Glance hosts in namespaces over one shared store; every fault
 * injector produces the symptom a client would see from a real host failure.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GlanceInfrastructureIT {

    @RegisterExtension
    static final GlanceTestBed BED = new GlanceTestBed(3);

    private final GlanceClient client = new GlanceClient(Duration.ofSeconds(2), Duration.ofSeconds(30));

    @Test
    @Order(1)
    void anImageUploadedOnOneHostDownloadsIdenticallyFromTheOthers() throws Exception {
        GlanceHosts glance = BED.glance();
        byte[] bytes = new byte[3 * 1024 * 1024 + 17];
        new Random(42).nextBytes(bytes);

        String id = client.createAndUpload(glance.host(1).baseUrl(), "infra-self-test", bytes);

        assertThat(client.status(glance.host(1).baseUrl(), id)).isEqualTo("active");
        for (int i = 2; i <= 3; i++) {
            URI other = glance.host(i).baseUrl();
            assertThat(client.status(other, id)).as("status seen from host %d", i).isEqualTo("active");
            assertThat(client.downloadSha256(other, id)).as("sha256 via host %d", i).isEqualTo(GlanceClient.sha256Hex(bytes));
        }
        assertThat(client.listImagesStatus(glance.host(2).baseUrl())).as("deep check (database) via host 2").isEqualTo(200);
    }

    @Test
    @Order(2)
    void aKilledHostRefusesConnectionsAndComesBack() throws Exception {
        GlanceHosts.Host host = BED.glance().host(2);
        BED.glance().kill(host);

        assertThatThrownBy(() -> client.listImagesStatus(host.baseUrl())).isInstanceOf(ConnectException.class);

        BED.glance().restore(host);
        assertThat(client.healthcheck(host.baseUrl()).status()).isEqualTo(200);
    }

    @Test
    @Order(3)
    void aHungHostTimesOutWithinTheConnectTimeoutAndComesBack() throws Exception {
        GlanceHosts.Host host = BED.glance().host(3);
        BED.glance().hang(host);

        long start = System.nanoTime();
        assertThatThrownBy(() -> client.listImagesStatus(host.baseUrl())).isInstanceOf(HttpConnectTimeoutException.class);
        Duration waited = Duration.ofNanos(System.nanoTime() - start);
        // No RST and no "no route to host": the client waits out its own connect timeout (2 s), no longer.
        assertThat(waited).isBetween(Duration.ofMillis(1900), Duration.ofSeconds(4));

        BED.glance().restore(host);
        assertThat(client.healthcheck(host.baseUrl()).status()).isEqualTo(200);
    }

    @Test
    @Order(4)
    void aDrainedHostAnswers503DisabledByFileButStillServesTheApi() throws Exception {
        GlanceHosts.Host host = BED.glance().host(1);
        BED.glance().drain(host);

        assertThat(client.healthcheck(host.baseUrl())).isEqualTo(new GlanceClient.Health(503, "DISABLED BY FILE"));
        assertThat(client.listImagesStatus(host.baseUrl())).as("drain only flips the health check").isEqualTo(200);

        BED.glance().restore(host);
        assertThat(client.healthcheck(host.baseUrl())).isEqualTo(new GlanceClient.Health(200, "OK"));
    }

    @Test
    @Order(5)
    void anInFlightRequestToAHungHostTimesOutInsteadOfFailingFast() {
        GlanceHosts.Host host = BED.glance().host(2);
        GlanceClient shortRequests = new GlanceClient(Duration.ofSeconds(2), Duration.ofSeconds(1));
        BED.glance().hang(host);
        try {
            assertThatThrownBy(() -> shortRequests.listImagesStatus(host.baseUrl())).isInstanceOf(HttpTimeoutException.class);
        } finally {
            BED.glance().restore(host);
        }
    }
}
