package io.imagelib.router.domain;

import java.net.URI;

/** A host that holds the image-library role: the only URLs the router ever connects to come from here. */
public record Registration(String hostId, String region, URI publicUrl, URI adminUrl) {
}
