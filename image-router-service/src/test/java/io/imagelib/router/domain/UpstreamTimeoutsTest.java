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
}
