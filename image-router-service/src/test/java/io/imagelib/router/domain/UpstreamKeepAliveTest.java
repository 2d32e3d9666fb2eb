package io.imagelib.router.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.imagelib.router.domain.UpstreamKeepAlive.Finished;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class UpstreamKeepAliveTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long NOW = 5_000 * SECOND;
    private static final long NEVER = NOW - (1L << 62);
    private final UpstreamKeepAlive pool = new UpstreamKeepAlive(4, Duration.ofSeconds(10));

    private static Finished metadata(int idleNow) {
        return new Finished(ImageOperation.READ, false, true, true, idleNow);
    }

    @Test
    void aWholeMetadataAnswerOnAKeptAliveConnectionGoesBackWhileThePoolHasRoom() {
        assertThat(pool.keep(metadata(0))).isTrue();
        assertThat(pool.keep(metadata(3))).isTrue();
        assertThat(pool.keep(metadata(4))).as("bounded per host").isFalse();
    }

    @Test
    void aPoolOfSizeZeroKeepsNothing() {
        assertThat(new UpstreamKeepAlive(0, Duration.ofSeconds(10)).keep(metadata(0))).isFalse();
    }

    @Test
    void downloadsWritesAndTlsConnectionsAreNeverKept() {
        assertThat(pool.keep(new Finished(ImageOperation.DOWNLOAD, false, true, true, 0))).isFalse();
        assertThat(pool.keep(new Finished(ImageOperation.CREATE, false, true, true, 0))).isFalse();
        assertThat(pool.keep(new Finished(ImageOperation.WRITE, false, true, true, 0))).isFalse();
        assertThat(pool.keep(new Finished(ImageOperation.READ, true, true, true, 0))).isFalse();
    }

    @Test
    void onlySmallReadsTakeKeptConnections() {
        assertThat(pool.pools(ImageOperation.READ)).isTrue();
        assertThat(pool.pools(ImageOperation.DOWNLOAD)).isFalse();
        assertThat(pool.pools(ImageOperation.UPLOAD)).isFalse();
        assertThat(new UpstreamKeepAlive(0, Duration.ofSeconds(10)).pools(ImageOperation.READ)).isFalse();
    }

    @Test
    void aHostThatAskedToCloseOrABodyNotReadToItsEndLeavesTheConnectionUnusable() {
        assertThat(pool.keep(new Finished(ImageOperation.READ, false, false, true, 0))).isFalse();
        assertThat(pool.keep(new Finished(ImageOperation.READ, false, true, false, 0))).isFalse();
    }

    @Test
    void anIdleConnectionOfAHostWithoutTroubleIsReusedUntilItsIdleTimeout() {
        long idleSince = NOW - 9 * SECOND;
        assertThat(pool.reuse(idleSince, NOW, NEVER)).isTrue();
        assertThat(pool.reuse(NOW - 10 * SECOND, NOW, NEVER)).as("idle timeout reached").isFalse();
        assertThat(pool.reuse(NOW - 11 * SECOND, NOW, NEVER)).isFalse();
    }

    @Test
    void aConnectionPutBackBeforeItsHostWentDownOrWasEjectedIsNeverReused() {
        long idleSince = NOW - SECOND;
        assertThat(pool.reuse(idleSince, NOW, NOW - SECOND / 2)).as("trouble after it was put back").isFalse();
        assertThat(pool.reuse(idleSince, NOW, idleSince)).as("trouble at the same instant").isFalse();
        assertThat(pool.reuse(idleSince, NOW, NOW - 2 * SECOND)).as("trouble before: a connection made since").isTrue();
    }
}
