package io.imagelib.endpoint.domain;

/**
 * An operator asks for a given admin host ({@code pcdctl endpoint set --url URL ID}).
 *
 * @param hostId the host asked for, or null when {@code url} names it
 * @param url    the admin URL asked for; must be the admin URL of a registered host of the region
 */
public record SetAdmin(String requestId, String hostId, String url, String requester) {
}
