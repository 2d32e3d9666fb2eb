package io.imagelib.endpoint.web;

import io.imagelib.avro.AdminEndpoint;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The last admin changes per region, newest first, as the epoch-fenced watcher accepted them since this instance
 * started (the compacted topic keeps only the latest record per region, so older history is not replayable).
 */
final class AdminChangeHistory {

    private final int perRegion;
    private final Map<String, Deque<AdminEndpoint>> changes = new HashMap<>();

    AdminChangeHistory(int perRegion) {
        this.perRegion = Math.max(1, perRegion);
    }

    synchronized void record(AdminEndpoint change) {
        Deque<AdminEndpoint> region = changes.computeIfAbsent(change.getRegion(), r -> new ArrayDeque<>());
        region.addFirst(change);
        while (region.size() > perRegion) {
            region.removeLast();
        }
    }

    synchronized List<AdminEndpoint> recent(String region) {
        return List.copyOf(changes.getOrDefault(region, new ArrayDeque<>()));
    }
}
