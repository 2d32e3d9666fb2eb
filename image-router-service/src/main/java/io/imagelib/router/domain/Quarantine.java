package io.imagelib.router.domain;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hosts this router saw fail, skipped locally for a short while before the monitor's verdict arrives. Reads are
 * lock-free; the caller passes the clock so decisions stay testable.
 */
public final class Quarantine {

    private final Map<String, Long> untilMillis = new ConcurrentHashMap<>();
    private final long durationMillis;

    public Quarantine(long durationMillis) {
        this.durationMillis = durationMillis;
    }

    public void add(String hostId, long nowMillis) {
        untilMillis.put(hostId, nowMillis + durationMillis);
    }

    public boolean contains(String hostId, long nowMillis) {
        Long until = untilMillis.get(hostId);
        if (until == null) {
            return false;
        }
        if (until <= nowMillis) {
            untilMillis.remove(hostId, until);
            return false;
        }
        return true;
    }

    /** The monitor saw the host UP after we quarantined it: its word is newer than ours. */
    public void release(String hostId) {
        untilMillis.remove(hostId);
    }
}
