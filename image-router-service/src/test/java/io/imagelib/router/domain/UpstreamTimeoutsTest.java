package io.imagelib.router.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class UpstreamTimeoutsTest {

    private static final Duration READ = Duration.ofSeconds(5);
    private static final Duration WRITE = Duration.ofSeconds(30);
    private final UpstreamTimeouts timeouts = new UpstreamTimeouts(READ, WRITE, Duration.ofSeconds(5));

    @Test
    void readsOfMetadataAndImageDataWaitShortlyForHeaders() {
        assertThat(timeouts.headers(ImageOperation.READ)).contains(READ);
        assertThat(timeouts.headers(ImageOperation.DOWNLOAD)).contains(READ);
    }

    @Test
    void writesKeepTheLongWait() {
        assertThat(timeouts.headers(ImageOperation.CREATE)).contains(WRITE);
        assertThat(timeouts.headers(ImageOperation.IMPORT)).contains(WRITE);
        assertThat(timeouts.headers(ImageOperation.WRITE)).contains(WRITE);
    }

    @Test
    void imageDataUploadsWaitAsLongAsGlanceStores() {
        assertThat(timeouts.headers(ImageOperation.UPLOAD)).isEmpty();
        assertThat(timeouts.headers(ImageOperation.STAGE)).isEmpty();
    }

    @Test
    void aReadWhoseHostIsSilentForTheReadWaitGivesUpOnItsHead() {
        assertThat(timeouts.moreWaitForHead(READ, READ)).isEmpty();
        assertThat(timeouts.moreWaitForHead(READ, Duration.ofMinutes(10))).as("never heard from").isEmpty();
        assertThat(timeouts.moreWaitForHead(Duration.ofSeconds(6), READ.plusMillis(1))).isEmpty();
    }

    @Test
    void aReadWhoseHostServesOthersWaitsUntilTheHostFallsSilent() {
        assertThat(timeouts.moreWaitForHead(READ, Duration.ofMillis(10))).contains(READ.minusMillis(10));
        assertThat(timeouts.moreWaitForHead(READ, Duration.ZERO)).contains(READ);
        assertThat(timeouts.moreWaitForHead(Duration.ofSeconds(20), Duration.ofSeconds(4))).contains(Duration.ofSeconds(1));
    }

    @Test
    void aReadWaitsForItsHeadAtMostTheWriteWaitEvenOnAServingHost() {
        assertThat(timeouts.moreWaitForHead(Duration.ofSeconds(28), Duration.ZERO)).contains(Duration.ofSeconds(2));
        assertThat(timeouts.moreWaitForHead(WRITE, Duration.ZERO)).isEmpty();
        assertThat(timeouts.moreWaitForHead(WRITE.plusSeconds(1), Duration.ZERO)).isEmpty();
    }
}
