package io.imagelib.endpoint.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * OpenStack endpoint ids, stable per (region, interface, host): the first 32 hex digits of
 * SHA-256("region|interface|hostId"), so every instance and every restart names an endpoint the same way.
 */
public final class EndpointIds {

    private EndpointIds() {
    }

    public static String id(String region, EndpointInterface endpointInterface, String hostId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(
                    (region + "|" + endpointInterface.wireName() + "|" + hostId).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
