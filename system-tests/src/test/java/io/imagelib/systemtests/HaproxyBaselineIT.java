package io.imagelib.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scenario (b): the baseline our router is compared with. 50 concurrent downloads through HAProxy while a
 * Glance host is killed, once with HAProxy's usual check (inter 2s fall 3) and once tuned (inter 250ms fall 2).
 * HAProxy's failed requests are reported, not required to be zero: that is the figure our router must beat.
 */
class HaproxyBaselineIT {

    @RegisterExtension
    static final GlanceTestBed BED = new GlanceTestBed(3);

    static HaproxyBaseline haproxy;
    static String imageId;
    static String sha256;
    static final GlanceClient CLIENT = new GlanceClient(Duration.ofSeconds(2), Duration.ofSeconds(30));

    @BeforeAll
    static void uploadAnImageAndStartHaproxy() throws Exception {
        byte[] bytes = new byte[2 * 1024 * 1024];
        new Random(7).nextBytes(bytes);
        sha256 = GlanceClient.sha256Hex(bytes);
        imageId = CLIENT.createAndUpload(BED.glance().host(1).baseUrl(), "haproxy-baseline", bytes);
        haproxy = HaproxyBaseline.start(Path.of("target/system/haproxy").toAbsolutePath(), BED.glance().hosts());
    }

    @AfterAll
    static void stopHaproxy() {
        if (haproxy != null) {
            haproxy.close();
        }
    }

    @Test
    void usualCheckLosesRequestsForSecondsWhenAHostIsKilled() throws Exception {
        var result = trial(HaproxyBaseline.Setting.USUAL);

        // inter 2s x fall 3: DOWN between ~4 and ~6 s after the kill (plus a check timeout of slack).
        assertThat(result.detection()).isBetween(Duration.ofSeconds(3), Duration.ofSeconds(9));
        assertNothingCorrupt(result);
    }

    @Test
    void tunedCheckDetectsTheKillWithinAboutHalfASecond() throws Exception {
        var result = trial(HaproxyBaseline.Setting.TUNED);

        assertThat(result.detection()).isLessThan(Duration.ofSeconds(2));
        assertNothingCorrupt(result);
    }

    private static HaproxyTrial.Result trial(HaproxyBaseline.Setting setting) throws InterruptedException {
        var result = HaproxyTrial.run(haproxy, setting, BED.glance(), BED.glance().host(2), HaproxyTrial.Fault.KILL,
                new DownloadLoad(CLIENT, 50), imageId, sha256, Duration.ofSeconds(10));
        System.out.println("[system-tests] " + result);
        assertThat(result.requests()).as("the load ran").isGreaterThan(100);
        return result;
    }

    /** Requests may fail (that is the baseline), but a completed download is never silently wrong. */
    private static void assertNothingCorrupt(HaproxyTrial.Result result) {
        assertThat(result.sampleErrors()).noneMatch(error -> error.startsWith("sha256 mismatch"));
    }
}
