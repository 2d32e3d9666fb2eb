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

    /** The wait for response headers; empty for uploads and stages, which last as long as Glance takes to store. */
    public Optional<Duration> headers(ImageOperation operation) {
        if (operation.isRead()) {
            return Optional.of(readHeaders);
        }
        return operation == ImageOperation.UPLOAD || operation == ImageOperation.STAGE
                ? Optional.empty() : Optional.of(writeHeaders);
    }
}
