package io.imagelib.support.lifecycle;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.context.SmartLifecycle;

/**
 * A component whose work runs on one named daemon thread of its own, created on {@link #start} and ended on
 * {@link #stop}: work that blocks (a send to a missing broker, a call to a dead server) never holds up other threads,
 * and two of its tasks never overlap. Subclasses schedule their periodic work in {@link #onStart}.
 */
public abstract class ScheduledLifecycle implements SmartLifecycle {

    private final String threadName;
    private volatile ScheduledExecutorService executor;

    protected ScheduledLifecycle(String threadName) {
        this.threadName = Objects.requireNonNull(threadName, "threadName");
    }

    /** Called once per start, on the starting thread, when the own thread exists: schedule the work here. */
    protected abstract void onStart();

    /** Runs {@code task} every {@code period} (fixed delay, the first run after one period) until stopped. */
    protected final void repeatEvery(Duration period, Runnable task) {
        var running = executor;
        if (running != null && !running.isShutdown()) {
            running.scheduleWithFixedDelay(task, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Runs {@code task} once after {@code delay}; dropped when not running. */
    protected final void schedule(Runnable task, Duration delay) {
        var running = executor;
        if (running != null && !running.isShutdown()) {
            running.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public final synchronized void start() {
        if (executor == null) {
            executor = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name(threadName).daemon().factory());
            onStart();
        }
    }

    /** Interrupts the running task and drops the scheduled ones; a later {@link #start} starts a new thread. */
    @Override
    public final synchronized void stop() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }

    @Override
    public final boolean isRunning() {
        return executor != null;
    }
}
