package io.imagelib.glancesim;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** What a simulated host has been asked, so tests can tell which host served a request and with which headers. */
public final class RequestLog {

    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final AtomicReference<Map<String, List<String>>> lastApiHeaders = new AtomicReference<>(Map.of());

    void record(String operation, Map<String, List<String>> headers) {
        counts.computeIfAbsent(operation, o -> new AtomicLong()).incrementAndGet();
        if (!operation.equals("healthcheck")) {
            lastApiHeaders.set(Map.copyOf(headers));
        }
    }

    /** Requests seen for an operation: healthcheck, list, create, show, patch, delete, upload, download, stage, import. */
    public long count(String operation) {
        AtomicLong count = counts.get(operation);
        return count == null ? 0 : count.get();
    }

    /** Headers of the latest API request (names as the JDK server normalises them, e.g. {@code X-auth-token}). */
    public Map<String, List<String>> lastApiHeaders() {
        return lastApiHeaders.get();
    }

    public void clear() {
        counts.clear();
        lastApiHeaders.set(Map.of());
    }
}
