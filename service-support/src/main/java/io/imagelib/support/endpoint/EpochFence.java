package io.imagelib.support.endpoint;

import io.imagelib.avro.AdminEndpoint;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps the newest admin endpoint per region and refuses anything not newer: a record with an epoch lower than or
 * equal to one already seen is stale (a zombie writer, a replay after a restart, a duplicate) and is dropped.
 */
public final class EpochFence {

    private final Map<String, AdminEndpoint> newestByRegion = new ConcurrentHashMap<>();

    /** Accepts the record if its epoch is higher than every one seen for its region; true when accepted. */
    public boolean offer(AdminEndpoint candidate) {
        boolean[] accepted = {false};
        newestByRegion.compute(candidate.getRegion(), (region, seen) -> {
            if (seen == null || candidate.getEpoch() > seen.getEpoch()) {
                accepted[0] = true;
                return candidate;
            }
            return seen;
        });
        return accepted[0];
    }

    public Optional<AdminEndpoint> current(String region) {
        return Optional.ofNullable(newestByRegion.get(region));
    }

    public Map<String, AdminEndpoint> all() {
        return Map.copyOf(newestByRegion);
    }
}
