package io.imagelib.catalogsync.domain;

import java.util.Objects;

/** One endpoint as Keystone's catalog reports it ({@code GET /v3/endpoints}). */
public record CatalogEndpoint(String id, String region, String interfaceName, String url) {

    public CatalogEndpoint {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(interfaceName, "interfaceName");
    }
}
