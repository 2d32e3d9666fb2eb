package io.imagelib.monitor.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.imagelib.monitor.domain.ProbeOutcome;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class HttpHealthProbeTest {

    @Test
    void healthcheckAnswersAreClassifiedLikeGlancesMiddleware() {
        assertThat(HttpHealthProbe.classifyShallow(200, "OK")).isEqualTo(ProbeOutcome.OK);
        assertThat(HttpHealthProbe.classifyShallow(503, "DISABLED BY FILE")).isEqualTo(ProbeOutcome.DISABLED_BY_FILE);
        assertThat(HttpHealthProbe.classifyShallow(503, "Service Unavailable")).isEqualTo(ProbeOutcome.HTTP_5XX);
        assertThat(HttpHealthProbe.classifyShallow(500, "DISABLED BY FILE")).isEqualTo(ProbeOutcome.HTTP_5XX);
        assertThat(HttpHealthProbe.classifyShallow(404, "")).isEqualTo(ProbeOutcome.HTTP_UNEXPECTED);
    }

    @Test
    void clientFailuresAreClassifiedThroughTheirWrappers() {
        assertThat(ProbeFailures.classify(new CompletionException(new IOException(new ConnectException("refused")))))
                .isEqualTo(ProbeOutcome.REFUSED);
        assertThat(ProbeFailures.classify(new CompletionException(new HttpConnectTimeoutException("connect"))))
                .isEqualTo(ProbeOutcome.TIMEOUT);
        assertThat(ProbeFailures.classify(new HttpTimeoutException("request timed out"))).isEqualTo(ProbeOutcome.TIMEOUT);
        assertThat(ProbeFailures.classify(new CompletionException(new IOException("connection reset"))))
                .isEqualTo(ProbeOutcome.IO_ERROR);
    }

    @Test
    void pathsKeepThePublicUrlsPrefix() {
        var plain = new HostTarget("h1", "SJC", URI.create("http://10.0.0.1:9292"));
        var proxied = new HostTarget("h1", "SJC", URI.create("http://lb:80/glance/h1/"));
        assertThat(plain.resolve("/healthcheck")).hasToString("http://10.0.0.1:9292/healthcheck");
        assertThat(proxied.resolve("/v2/images?limit=1")).hasToString("http://lb:80/glance/h1/v2/images?limit=1");
    }
}
