package io.imagelib.catalogsync.keystone;

import io.imagelib.catalogsync.domain.CatalogEndpoint;
import java.util.List;

/** The three Keystone v3 catalog calls catalog-sync needs; every failure is a {@link KeystoneException}. */
public interface KeystoneCatalog {

    /** Id of the service with this type and name ({@code GET /v3/services?type=}). */
    String serviceId(String type, String name);

    /** {@code GET /v3/endpoints?service_id=&interface=&region_id=}. */
    List<CatalogEndpoint> endpoints(String serviceId, String interfaceName, String region);

    /** {@code PATCH /v3/endpoints/{id}} with {@code {"endpoint": {"url": url}}}. */
    void setUrl(String endpointId, String url);
}
