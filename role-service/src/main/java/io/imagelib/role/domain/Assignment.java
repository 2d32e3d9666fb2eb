package io.imagelib.role.domain;

/**
 * A requested assignment of the image-library role, as the operator sent it.
 *
 * @param adminUrl null to take the seed's convention, {@code https://<host of publicUrl>:9494}
 */
public record Assignment(String region, String hostId, String publicUrl, String adminUrl, Storage storage) {
}
