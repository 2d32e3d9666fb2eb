package io.imagelib.router.domain;

import java.time.Duration;

/**
 * Whether the data plane keeps an upstream connection open for the next small read (metadata, lists, schemas) of the
 * same host, and whether an idle one may carry the next. A new connection per metadata GET cost a connect and the
 * host's accept on every request; HAProxy reuses its server connections.
 *
 * @param maxIdlePerHost idle connections kept per host and event loop; 0: none (every read connects)
 * @param idleTimeout    an idle connection older than this is closed, never reused (shorter than Glance's own
 *                       keep-alive wait, so the host does not close it while we send on it)
 */
public record UpstreamKeepAlive(int maxIdlePerHost, Duration idleTimeout) {

    /** What is known of a finished read when its connection could go back to the pool. */
    public record Finished(ImageOperation operation, boolean tls, boolean hostKeepsAlive, boolean bodyWhole,
                           int idleNow) {
    }

    /**
     * Image downloads never come back (their socket fed a pipe and their hosts are spread by round robin); TLS
     * connections neither (their handler state is per read). A host that asked to close, or a body not read to its
     * exact end, leaves the connection unusable.
     */
    public boolean keep(Finished read) {
        return pools(read.operation()) && !read.tls()
                && read.hostKeepsAlive() && read.bodyWhole() && read.idleNow() < maxIdlePerHost;
    }

    /** Small reads only: metadata, lists, schemas. */
    public boolean pools(ImageOperation operation) {
        return maxIdlePerHost > 0 && operation.isRead() && operation != ImageOperation.DOWNLOAD;
    }

    /**
     * An idle connection carries the next read only while it is younger than {@link #idleTimeout} and its host has
     * had no trouble (left the live set: DOWN or unregistered; failed a read: ejected) since it was put back, even
     * if the host is back now: its old connections may lead to the process that failed.
     *
     * @param idleSince    when the connection was put back (nanoTime)
     * @param troubleSince when the host last had trouble (nanoTime), or a value long before any connection
     */
    public boolean reuse(long idleSince, long now, long troubleSince) {
        return now - idleSince < idleTimeout.toNanos() && troubleSince - idleSince < 0;
    }
}
