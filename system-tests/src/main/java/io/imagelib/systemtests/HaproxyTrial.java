package io.imagelib.systemtests;

import java.time.Duration;

/**
 * One fault trial against HAProxy: 50 clients download through one setting's frontend, a Glance host is killed
 * (or hung), and we record failed requests, recovery (fault to last failure) and detection (fault to HAProxy DOWN).
 * The host is restored and HAProxy sees it UP again before the trial returns.
 */
public final class HaproxyTrial {

    /** The fault a trial injects. */
    public enum Fault { KILL, HANG }

    /** What one trial measured. */
    public record Result(HaproxyBaseline.Setting setting, Fault fault, long requests, long failed, Duration recovery,
                         Duration detection, java.util.List<String> sampleErrors) {
        @Override
        public String toString() {
            return "%s, %s: %d/%d failed, recovery %d ms, DOWN after %d ms %s".formatted(setting.label(), fault, failed,
                    requests, recovery.toMillis(), detection.toMillis(), sampleErrors);
        }
    }

    private HaproxyTrial() {
    }

    public static Result run(HaproxyBaseline haproxy, HaproxyBaseline.Setting setting, GlanceHosts glance, GlanceHosts.Host victim,
                             Fault fault, DownloadLoad load, String imageId, String sha256, Duration loadDuration)
            throws InterruptedException {
        Duration[] detection = new Duration[1];
        DownloadLoad.Result result = load.run(haproxy.url(setting), imageId, sha256, loadDuration, Duration.ofSeconds(2), faultNanos -> {
            switch (fault) {
                case KILL -> glance.kill(victim);
                case HANG -> glance.hang(victim);
            }
            haproxy.awaitStatus(setting, victim, "DOWN", Duration.ofSeconds(45));
            detection[0] = Duration.ofNanos(System.nanoTime() - faultNanos);
        });
        glance.restore(victim);
        for (HaproxyBaseline.Setting each : HaproxyBaseline.Setting.values()) {
            haproxy.awaitStatus(each, victim, "UP", Duration.ofSeconds(60));
        }
        return new Result(setting, fault, result.total(), result.failed(), result.recovery(), detection[0], result.sampleErrors());
    }
}
