package io.imagelib.endpoint.domain;

/** A change of a region's admin endpoint, to be published; {@code admin.epoch()} is the new epoch. */
public record AdminChange(String region, AdminRecord admin, String previousHostId, String detail) {
}
