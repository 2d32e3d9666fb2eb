package io.imagelib.router.domain;

import java.time.Duration;
import java.util.Optional;

/**
 * How long the router waits on an upstream, by what the request does. Reads are answered by Glance in milliseconds
 * (headers of a metadata GET or of an image download), so a short wait for their headers tells a hung host from a
 * slow one and the read moves on (reads are safe to send again). Writes keep a long wait: Glance may legitimately
 * take long (an import, a delete on a slow store), and a write that timed out cannot be replayed anyway.
 *
 * @param readHeaders  response headers of a GET/HEAD (metadata or image data)
 * @param writeHeaders response headers of a write that carries no image data
 * @param idle         silence in the middle of an image body before the download resumes on another host
 */
public record UpstreamTimeouts(Duration readHeaders, Duration writeHeaders, Duration idle) {

    /**
     * How much longer a read whose head has not come after {@code waited} waits for it, given when its host last sent
     * this router anything ({@code sinceHostHeard}: a head or body bytes on any read); empty: give up on the host now.
     * A host heard from within readHeaders is serving: under a burst of downloads it answers heads late because they
     * queue behind each other, not because it hangs, and asking it again would only put the read at the back of that
     * queue. Such a read waits until the host has been silent for readHeaders, and at most writeHeaders in all (the
     * wait a write gets). A host silent for readHeaders is taken for hung at once, as a read's head wait always did.
     */
    public Optional<Duration> moreWaitForHead(Duration waited, Duration sinceHostHeard) {
        Duration untilSilent = readHeaders.minus(sinceHostHeard);
        Duration untilCap = writeHeaders.minus(waited);
        if (!untilSilent.isPositive() || !untilCap.isPositive()) {
            return Optional.empty();
        }
        return Optional.of(untilSilent.compareTo(untilCap) < 0 ? untilSilent : untilCap);
    }

    /** The wait for response headers; empty for uploads and stages, which last as long as Glance takes to store. */
    public Optional<Duration> headers(ImageOperation operation) {
        if (operation.isRead()) {
            return Optional.of(readHeaders);
        }
        return operation == ImageOperation.UPLOAD || operation == ImageOperation.STAGE
                ? Optional.empty() : Optional.of(writeHeaders);
    }
}
