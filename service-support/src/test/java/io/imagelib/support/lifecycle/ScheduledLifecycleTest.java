package io.imagelib.support.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ScheduledLifecycleTest {

    /** Repeats a counter on its own thread and lets the test schedule one-off tasks. */
    static final class Ticker extends ScheduledLifecycle {
        final AtomicInteger starts = new AtomicInteger();
        final AtomicInteger ticks = new AtomicInteger();
        final AtomicReference<String> tickThread = new AtomicReference<>();
        final Duration period;

        Ticker(Duration period) {
            super("test-ticker");
            this.period = period;
        }

        @Override
        protected void onStart() {
            starts.incrementAndGet();
            repeatEvery(period, () -> {
                tickThread.set(Thread.currentThread().getName());
                ticks.incrementAndGet();
            });
        }

        void later(Runnable task) {
            schedule(task, Duration.ZERO);
        }
    }

    private final Ticker ticker = new Ticker(Duration.ofMillis(10));

    @AfterEach
    void stop() {
        ticker.stop();
    }

    @Test
    void theRepeatedTaskRunsAgainAndAgainOnTheNamedThread() {
        ticker.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> ticker.ticks.get() >= 3);
        assertThat(ticker.tickThread).hasValue("test-ticker");
        assertThat(ticker.isRunning()).isTrue();
    }

    @Test
    void aSecondStartDoesNotStartAgain() {
        ticker.start();
        ticker.start();

        assertThat(ticker.starts).hasValue(1);
    }

    @Test
    void tasksRunWhileRunningAndAreDroppedOtherwise() throws InterruptedException {
        var beforeStart = new CountDownLatch(1);
        ticker.later(beforeStart::countDown);        // not running: dropped at once, never queued
        ticker.start();
        var whileRunning = new CountDownLatch(1);
        ticker.later(whileRunning::countDown);
        assertThat(whileRunning.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(beforeStart.getCount()).isEqualTo(1);

        ticker.stop();
        assertThat(ticker.isRunning()).isFalse();
        ticker.start();                              // a stopped component starts again, on a new thread
        assertThat(ticker.starts).hasValue(2);
        assertThat(ticker.isRunning()).isTrue();
    }
}
