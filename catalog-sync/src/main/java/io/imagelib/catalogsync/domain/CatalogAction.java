package io.imagelib.catalogsync.domain;

/** What the reconciler wants done to the catalog for one region; the shell executes these and nothing else. */
public sealed interface CatalogAction {

    String region();

    /** {@code PATCH /v3/endpoints/{endpointId}} with the new URL. */
    record SetUrl(String region, String endpointId, String interfaceName, String fromUrl, String toUrl)
            implements CatalogAction {
    }

    /** Every managed endpoint of the region already carries the desired URL: nothing to send. */
    record InSync(String region) implements CatalogAction {
    }

    /**
     * The catalog has no endpoint of this interface in the region. We do not create one: who registers the service
     * (deployment, the operator) also chooses its interfaces; we only keep the URL in step and report the gap.
     */
    record MissingEndpoint(String region, String interfaceName) implements CatalogAction {
    }
}
