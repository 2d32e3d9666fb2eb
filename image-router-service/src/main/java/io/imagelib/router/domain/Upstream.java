package io.imagelib.router.domain;

import java.net.URI;

/** A host the router may send a request to, with the base URL to use for it. */
public record Upstream(String hostId, String region, URI baseUrl) {
}
