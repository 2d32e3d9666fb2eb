package io.imagelib.monitor.probe;

import java.net.URI;

/** A host to watch, as far as probing is concerned: taken from its HostRole. */
public record HostTarget(String hostId, String region, URI publicUrl) {

    /** {@code publicUrl} joined with an absolute path, keeping any path prefix the URL has (e.g. behind a proxy). */
    public URI resolve(String pathAndQuery) {
        String base = publicUrl.toString();
        return URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) + pathAndQuery : base + pathAndQuery);
    }
}
