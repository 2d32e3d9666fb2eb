package io.imagelib.systemtests;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One fault trial against HAProxy, both health-check settings side by side: the same number of clients download
 * through each setting's frontend at the same time, ONE Glance host is killed (or hung), and per setting we record
 * failed requests, recovery (fault to the end of the last failed request) and detection (fault to HAProxy DOWN).
 * The host is restored and both settings see it UP again before the trial returns.
 */
public final class HaproxyTrial {

    /** The fault a trial injects. */
    public enum Fault { KILL, HANG }

    /** What one trial measured for one setting. */
    public record Result(HaproxyBaseline.Setting setting, Fault fault, long requests, long failed, Duration recovery,
                         Duration detection, List<String> sampleErrors) {
        @Override
        public String toString() {
            return "%s, %s: %d/%d failed, recovery %d ms, DOWN after %d ms %s".formatted(setting.label(), fault, failed,
                    requests, recovery.toMillis(), detection.toMillis(), sampleErrors);
        }
    }

    private HaproxyTrial() {
    }

    public static Map<HaproxyBaseline.Setting, Result> run(HaproxyBaseline haproxy, GlanceHosts glance, GlanceHosts.Host victim,
                                                           Fault fault, DownloadLoad load, String imageId, String sha256,
                                                           Duration loadDuration) throws InterruptedException {
        Map<HaproxyBaseline.Setting, DownloadLoad.Running> running = new EnumMap<>(HaproxyBaseline.Setting.class);
        for (HaproxyBaseline.Setting setting : HaproxyBaseline.Setting.values()) {
            running.put(setting, load.start(haproxy.url(setting), imageId, sha256, loadDuration));
        }
        Thread.sleep(Duration.ofSeconds(2));
        long faultNanos = System.nanoTime();
        switch (fault) {
            case KILL -> glance.kill(victim);
            case HANG -> glance.hang(victim);
        }
        Map<HaproxyBaseline.Setting, Duration> detection = new ConcurrentHashMap<>();
        List<Thread> watchers = running.keySet().stream().map(setting -> Thread.ofVirtual().start(() -> {
            haproxy.awaitStatus(setting, victim, "DOWN", Duration.ofSeconds(45));
            detection.put(setting, Duration.ofNanos(System.nanoTime() - faultNanos));
        })).toList();
        for (Thread watcher : watchers) {
            watcher.join();
        }
        Map<HaproxyBaseline.Setting, Result> results = new EnumMap<>(HaproxyBaseline.Setting.class);
        for (var entry : running.entrySet()) {
            DownloadLoad.Result r = entry.getValue().await(faultNanos);
            HaproxyBaseline.Setting setting = entry.getKey();
            if (!detection.containsKey(setting)) {
                throw new IllegalStateException(setting.label() + ": " + victim.id() + " never marked DOWN");
            }
            results.put(setting, new Result(setting, fault, r.total(), r.failed(), r.recovery(), detection.get(setting), r.sampleErrors()));
        }
        glance.restore(victim);
        for (HaproxyBaseline.Setting setting : HaproxyBaseline.Setting.values()) {
            haproxy.awaitStatus(setting, victim, "UP", Duration.ofSeconds(60));
        }
        return results;
    }
}
