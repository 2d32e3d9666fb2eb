package io.imagelib.role.domain;

import java.util.Optional;

/**
 * What one replica knows about the writer lease at a moment.
 *
 * @param holdsLease the group assigned this replica the lease partition and the broker has not fenced its producer
 * @param caughtUp   as writer, it has read host-roles up to what earlier writers committed (rules need the whole state)
 * @param writerUrl  the base URL of the replica the last assignment named writer, if any
 * @param selfUrl    this replica's own base URL
 */
public record WriterView(boolean holdsLease, boolean caughtUp, Optional<String> writerUrl, String selfUrl) {

    public static WriterView noWriter(String selfUrl) {
        return new WriterView(false, false, Optional.empty(), selfUrl);
    }
}
