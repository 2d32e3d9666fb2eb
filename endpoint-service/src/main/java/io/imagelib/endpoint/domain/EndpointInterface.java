package io.imagelib.endpoint.domain;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Keystone endpoint interfaces: admin is the region's upload endpoint, public and internal list every host. */
public enum EndpointInterface {
    ADMIN, PUBLIC, INTERNAL;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<EndpointInterface> fromWire(String value) {
        return Arrays.stream(values()).filter(i -> i.wireName().equalsIgnoreCase(value)).findFirst();
    }
}
