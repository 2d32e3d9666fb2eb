package io.imagelib.catalogsync.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The whole decision of catalog-sync, as a pure function: the desired admin of a region and what Keystone shows
 * for it in, the actions that make the catalog say the desired URL. Same input, same answer; no I/O, no clock.
 */
public final class CatalogReconciler {

    private CatalogReconciler() {
    }

    /**
     * @param desired    the fenced latest admin of the region
     * @param observed   the service's endpoints in that region as Keystone lists them (any interface)
     * @param interfaces the interfaces we manage (by default only {@code admin}); others are never touched
     * @return one {@link CatalogAction.SetUrl} per managed endpoint whose URL differs, one
     *         {@link CatalogAction.MissingEndpoint} per managed interface absent from the region, or a single
     *         {@link CatalogAction.InSync} when there is nothing to do
     */
    public static List<CatalogAction> reconcile(DesiredAdmin desired, List<CatalogEndpoint> observed,
                                                Set<String> interfaces) {
        List<CatalogAction> actions = new ArrayList<>();
        for (String managed : interfaces.stream().sorted().toList()) {
            var matching = observed.stream()
                    .filter(endpoint -> managed.equals(endpoint.interfaceName()))
                    .filter(endpoint -> desired.region().equals(endpoint.region()))
                    .sorted((a, b) -> a.id().compareTo(b.id()))
                    .toList();
            if (matching.isEmpty()) {
                actions.add(new CatalogAction.MissingEndpoint(desired.region(), managed));
            }
            // Duplicates of one interface in a region happen (hand-made catalogs); all must point at the admin.
            matching.stream()
                    .filter(endpoint -> !sameUrl(endpoint.url(), desired.url()))
                    .map(endpoint -> new CatalogAction.SetUrl(desired.region(), endpoint.id(), managed,
                            endpoint.url(), desired.url()))
                    .forEach(actions::add);
        }
        return actions.isEmpty() ? List.of(new CatalogAction.InSync(desired.region())) : List.copyOf(actions);
    }

    /** Keystone stores the URL verbatim; a trailing slash is the only difference clients ignore. */
    static boolean sameUrl(String observed, String desired) {
        return observed != null && strip(observed).equals(strip(desired));
    }

    private static String strip(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
