package io.imagelib.endpoint.domain;

import java.time.Instant;

/** A host holding the image-library role in a region, as far as the election needs it. */
public record RoleFact(String hostId, String publicUrl, String adminUrl, Instant assignedAt) {
}
