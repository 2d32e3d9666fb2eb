package io.imagelib.router.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Which moments of a streaming host become SERVED reports: at most one per host per spacing, the first one at once. */
class ServedReportsTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long T0 = 1_000_000 * MS;

    @Test
    void theFirstChunkOfAHostIsReportedAtOnceThenAtMostOnePerSpacing() {
        var reports = new ServedReports(250 * MS);
        assertThat(reports.due("h1", T0)).isTrue();
        assertThat(reports.due("h1", T0 + 1)).isFalse();
        assertThat(reports.due("h1", T0 + 249 * MS)).isFalse();
        assertThat(reports.due("h1", T0 + 250 * MS)).as("the spacing's edge").isTrue();
        assertThat(reports.due("h1", T0 + 499 * MS)).as("spacing counts from the last report").isFalse();
        assertThat(reports.due("h1", T0 + 10_000 * MS)).isTrue();
    }

    @Test
    void hostsAreSpacedApart() {
        var reports = new ServedReports(250 * MS);
        assertThat(reports.due("h1", T0)).isTrue();
        assertThat(reports.due("h2", T0)).isTrue();
        assertThat(reports.due("h2", T0 + MS)).isFalse();
    }

    @Test
    void nanoTimeMayBeNegative() {
        var reports = new ServedReports(250 * MS);
        assertThat(reports.due("h1", -T0)).isTrue();
        assertThat(reports.due("h1", -T0 + 100 * MS)).isFalse();
        assertThat(reports.due("h1", -T0 + 250 * MS)).isTrue();
    }

    @Test
    void manyStreamsOfOneHostAtTheSameMomentMakeOneReport() throws InterruptedException {
        var reports = new ServedReports(250 * MS);
        var due = new AtomicInteger();
        var start = new CountDownLatch(1);
        var threads = new Thread[16];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int chunk = 0; chunk < 1000; chunk++) {
                    if (reports.due("h1", T0 + chunk * 1000)) {
                        due.incrementAndGet();
                    }
                }
            });
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(due.get()).isEqualTo(1);
    }
}
