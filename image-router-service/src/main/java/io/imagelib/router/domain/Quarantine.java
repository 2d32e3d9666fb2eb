package io.imagelib.router.domain;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hosts this router saw fail, skipped locally for a short while before the monitor's verdict arrives. Reads are
 * lock-free; the caller passes the clock so decisions stay testable. A refused connection is remembered as such:
 * it is the one failure that proves a host is not serving, so panic mode skips those hosts entirely.
 */
public final class Quarantine {

    private record Entry(long untilMillis, boolean refused) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final long durationMillis;

    public Quarantine(long durationMillis) {
        this.durationMillis = durationMillis;
    }

    public void add(String hostId, long nowMillis) {
        entries.put(hostId, new Entry(nowMillis + durationMillis, false));
    }

    /** The host refused a connection (nothing listens, or the connect timed out). */
    public void addRefused(String hostId, long nowMillis) {
        entries.put(hostId, new Entry(nowMillis + durationMillis, true));
    }

    public boolean contains(String hostId, long nowMillis) {
        return current(hostId, nowMillis) != null;
    }

    public boolean refused(String hostId, long nowMillis) {
        Entry entry = current(hostId, nowMillis);
        return entry != null && entry.refused();
    }

    private Entry current(String hostId, long nowMillis) {
        Entry entry = entries.get(hostId);
        if (entry != null && entry.untilMillis() <= nowMillis) {
            entries.remove(hostId, entry);
            return null;
        }
        return entry;
    }

    /** The monitor saw the host UP after we quarantined it: its word is newer than ours. */
    public void release(String hostId) {
        entries.remove(hostId);
    }

    /**
     * A health record for the host ({@code now} null for a tombstone). Only a change to UP is the monitor's newer word;
     * a repeated UP (the monitor republishes every host's state periodically) says nothing about a failure we saw since.
     */
    public void monitorSaid(String hostId, Health before, Health now) {
        if (now == Health.UP && before != Health.UP) {
            release(hostId);
        }
    }
}
