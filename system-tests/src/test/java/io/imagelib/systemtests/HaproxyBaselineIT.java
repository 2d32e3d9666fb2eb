package io.imagelib.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scenario (b): the baseline our router is compared with. 50 concurrent downloads through each of HAProxy's two
 * frontends at once, its usual check (inter 2s fall 3) and a tuned one (inter 250ms fall 2), while a Glance host is
 * killed.
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
    void bothChecksSeeTheSameKillUnderTheSameLoadAndTheTunedOneDetectsItFirst() throws Exception {
        Map<HaproxyBaseline.Setting, HaproxyTrial.Result> results = HaproxyTrial.run(haproxy, BED.glance(), BED.glance().host(2),
                HaproxyTrial.Fault.KILL, new DownloadLoad(CLIENT, 50), imageId, sha256, Duration.ofSeconds(10));
        results.values().forEach(result -> System.out.println("[system-tests] " + result));

        var usual = results.get(HaproxyBaseline.Setting.USUAL);
        var tuned = results.get(HaproxyBaseline.Setting.TUNED);
        // inter 2s x fall 3: DOWN ~4-6 s after the kill (plus a check timeout of slack); 250ms x 2: well under 2 s.
        assertThat(usual.detection()).isBetween(Duration.ofSeconds(3), Duration.ofSeconds(9));
        assertThat(tuned.detection()).isLessThan(Duration.ofSeconds(2));
        for (HaproxyTrial.Result result : results.values()) {
            assertThat(result.requests()).as("the load ran through %s", result.setting().label()).isGreaterThan(100);
            // Requests may fail (that is the baseline), but a completed download is never silently wrong.
            assertThat(result.sampleErrors()).noneMatch(error -> error.startsWith("sha256 mismatch"));
        }
    }
}
