package io.imagelib.router.web;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Interrupts upstream reads that make no progress for the idle timeout, so a host that hangs (no FIN, no RST, e.g.
 * power loss or a partition) is treated like one that broke and the download resumes elsewhere. Only time spent
 * waiting for the upstream counts: a slow client never trips it.
 */
final class StallWatchdog implements AutoCloseable {

    private final Set<Guard> active = ConcurrentHashMap.newKeySet();
    private final long idleNanos;
    private final ScheduledExecutorService timer;

    StallWatchdog(Duration idle) {
        this.idleNanos = idle.toNanos();
        long periodMillis = Math.clamp(idle.toMillis() / 4, 10, 1000);
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("download-watchdog").factory());
        timer.scheduleWithFixedDelay(this::check, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    /** Watches reads made by the calling thread until the guard is closed. */
    Guard watch() {
        Guard guard = new Guard(Thread.currentThread());
        active.add(guard);
        return guard;
    }

    private void check() {
        long now = System.nanoTime();
        active.forEach(guard -> guard.interruptIfStalled(now));
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    final class Guard implements AutoCloseable {
        private final Thread reader;
        private boolean reading;
        private boolean stalled;
        private long readingSince;

        private Guard(Thread reader) {
            this.reader = reader;
        }

        synchronized void beforeRead() {
            reading = true;
            readingSince = System.nanoTime();
        }

        /** True when the read was declared stalled; the interrupt it caused is cleared before returning. */
        synchronized boolean afterRead() {
            reading = false;
            boolean wasStalled = stalled;
            if (wasStalled) {
                stalled = false;
                Thread.interrupted();
            }
            return wasStalled;
        }

        // The interrupt is sent while holding the lock, so afterRead() always sees it and clears it.
        private synchronized void interruptIfStalled(long now) {
            if (reading && !stalled && now - readingSince > idleNanos) {
                stalled = true;
                reader.interrupt();
            }
        }

        @Override
        public void close() {
            active.remove(this);
        }
    }
}
