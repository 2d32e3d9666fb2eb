package io.imagelib.router.web;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads (GET/HEAD) in flight per upstream host, so that when the live snapshot takes a host out (DOWN, role removed)
 * their upstream connections can be cut at once: a hung host sends no RST, and without the cut they would wait for a
 * timeout. A cut read fails with {@link Aborted} and takes the usual retry / Range-resume path to another host.
 * Writes are never registered: a write that may have reached Glance must not be replayed, so it is left to finish
 * or time out.
 */
public final class InFlightReads {

    /** Long before any read (nanoTime differences stay exact for 292 years): a host never heard from. */
    private static final long NEVER = System.nanoTime() - (1L << 62);

    private final Map<String, Set<Flight>> byHost = new ConcurrentHashMap<>();
    /** When each host last sent data on any read (nanoTime); kept per host seen, a handful per region. */
    private final Map<String, AtomicLong> heard = new ConcurrentHashMap<>();
    /** When each host last left the live set or failed a read (nanoTime): its idle connections are not reused. */
    private final Map<String, Long> trouble = new ConcurrentHashMap<>();

    /** Registers a read to {@code hostId}; close it when the read is over. */
    Flight open(String hostId) {
        Flight flight = new Flight(hostId, heard.computeIfAbsent(hostId, id -> new AtomicLong(NEVER)));
        byHost.computeIfAbsent(hostId, id -> ConcurrentHashMap.newKeySet()).add(flight);
        return flight;
    }

    /** Cuts every read in flight to the host; returns how many. */
    public int abort(String hostId) {
        return abortStalled(hostId, Duration.ZERO);
    }

    /**
     * Cuts the reads in flight to the host that have received nothing for {@code quiet}: a hung host's. Reads still
     * receiving data go on, since their bytes prove the host serves them (a monitor starved of CPU calls busy hosts
     * DOWN); returns how many were cut.
     */
    public int abortStalled(String hostId, Duration quiet) {
        long now = System.nanoTime();
        int cut = 0;
        for (Flight flight : byHost.getOrDefault(hostId, Set.of())) {
            if (!flight.aborted && now - flight.lastProgressNanos >= quiet.toNanos()) {
                flight.abort();
                cut++;
            }
        }
        return cut;
    }

    /** How long ago the host last sent data on any read through this router (a head or body bytes). */
    Duration sinceHeard(String hostId) {
        AtomicLong last = heard.get(hostId);
        return Duration.ofNanos(System.nanoTime() - (last == null ? NEVER : last.get()));
    }

    /** The host left the live set (DOWN, unregistered) or failed a read: no connection kept before now is reused. */
    public void troubled(String hostId) {
        trouble.put(hostId, System.nanoTime());
    }

    /** When the host last had trouble ({@link #troubled}), or long before any connection. */
    long troubleSince(String hostId) {
        return trouble.getOrDefault(hostId, NEVER);
    }

    /** Reads registered now, for tests and the health page. */
    int count(String hostId) {
        return byHost.getOrDefault(hostId, Set.of()).size();
    }

    /** A read to one host, from its connect until its body is closed. */
    final class Flight implements AutoCloseable {
        private final String hostId;
        private final AtomicLong hostHeard;
        private final List<AutoCloseable> cuts = new CopyOnWriteArrayList<>();
        private volatile boolean aborted;
        /** When the read last received data (or was opened). */
        private volatile long lastProgressNanos = System.nanoTime();

        private Flight(String hostId, AtomicLong hostHeard) {
            this.hostId = hostId;
            this.hostHeard = hostHeard;
        }

        /** What cuts the read (its socket, its pending exchange); run at once if the read was aborted already. */
        void onAbort(AutoCloseable cut) {
            cuts.add(cut);
            if (aborted) {
                quietly(cut);
            }
        }

        boolean aborted() {
            return aborted;
        }

        private void abort() {
            aborted = true;
            cuts.forEach(Flight::quietly);
        }

        /** The response body; a read that fails because of the cut fails with {@link Aborted}; closing ends the flight. */
        InputStream guard(InputStream body) {
            return new FilterInputStream(body) {
                @Override
                public int read() throws IOException {
                    try {
                        int read = super.read();
                        progressed(read < 0 ? read : 1);
                        return read;
                    } catch (IOException e) {
                        throw because(e);
                    }
                }

                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                    try {
                        return progressed(super.read(buffer, offset, length));
                    } catch (IOException e) {
                        throw because(e);
                    }
                }

                @Override
                public void close() throws IOException {
                    try {
                        super.close();
                    } finally {
                        Flight.this.close();
                    }
                }
            };
        }

        /** Records {@code read} bytes received (the data plane, which never sees them, passes 1 per socket wake-up). */
        int progressed(int read) {
            if (read > 0) {
                long now = System.nanoTime();
                lastProgressNanos = now;
                hostHeard.setRelease(now); // no fence per wake-up: readers need a recent value, not the latest
            }
            return read;
        }

        /** The failure as the caller should see it: {@link Aborted} if the cut caused it. */
        IOException because(IOException failure) {
            return aborted && !(failure instanceof Aborted) ? new Aborted(hostId, failure) : failure;
        }

        @Override
        public void close() {
            byHost.computeIfPresent(hostId, (id, flights) -> {
                flights.remove(this);
                return flights.isEmpty() ? null : flights;
            });
        }

        private static void quietly(AutoCloseable cut) {
            try {
                cut.close();
            } catch (Exception ignored) {
                // the connection is being thrown away
            }
        }
    }

    /** A read cut because its host left the live snapshot; the host is known bad already, so nothing is reported. */
    static final class Aborted extends IOException {
        Aborted(String hostId, Throwable cause) {
            super("Read from host " + hostId + " cut: the host left the live set", cause);
        }
    }
}
