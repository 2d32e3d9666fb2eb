package io.imagelib.role.domain;

/** What holding the image-library role means for one host: where it serves images and where it keeps them. */
public record Role(String region, String hostId, String publicUrl, String adminUrl, Storage storage) {
}
