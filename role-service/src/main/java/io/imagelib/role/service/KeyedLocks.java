package io.imagelib.role.service;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/** One fair lock per key (host, region); callers always take keys in the same order, so there is no deadlock. */
final class KeyedLocks {

    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    <T> T withAll(List<String> keysInOrder, Supplier<T> action) {
        List<ReentrantLock> held = keysInOrder.stream().map(k -> locks.computeIfAbsent(k, x -> new ReentrantLock(true))).toList();
        int taken = 0;
        try {
            for (ReentrantLock lock : held) {
                lock.lock();
                taken++;
            }
            return action.get();
        } finally {
            for (int i = taken - 1; i >= 0; i--) {
                held.get(i).unlock();
            }
        }
    }
}
