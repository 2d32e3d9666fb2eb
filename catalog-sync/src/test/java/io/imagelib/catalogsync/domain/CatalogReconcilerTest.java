package io.imagelib.catalogsync.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CatalogReconcilerTest {

    private static final Set<String> ADMIN_ONLY = Set.of("admin");
    private static final DesiredAdmin H2 = new DesiredAdmin("SJC", "h2", "https://10.0.0.2:9494", 7, Instant.EPOCH);

    @Test
    void adminEndpointPointingAtTheOldHostIsPatchedToTheNewOne() {
        var actions = CatalogReconciler.reconcile(H2, List.of(admin("e1", "https://10.0.0.1:9494")), ADMIN_ONLY);
        assertThat(actions).containsExactly(
                new CatalogAction.SetUrl("SJC", "e1", "admin", "https://10.0.0.1:9494", "https://10.0.0.2:9494"));
    }

    @Test
    void nothingIsSentWhenTheCatalogAlreadySaysTheAdmin() {
        assertThat(CatalogReconciler.reconcile(H2, List.of(admin("e1", "https://10.0.0.2:9494")), ADMIN_ONLY))
                .containsExactly(new CatalogAction.InSync("SJC"));
    }

    @Test
    void aTrailingSlashIsNotADifference() {
        assertThat(CatalogReconciler.reconcile(H2, List.of(admin("e1", "https://10.0.0.2:9494/")), ADMIN_ONLY))
                .containsExactly(new CatalogAction.InSync("SJC"));
    }

    @Test
    void publicAndInternalAreLeftAloneUnlessManaged() {
        var observed = List.of(admin("e1", "https://10.0.0.2:9494"),
                endpoint("p1", "SJC", "public", "http://10.0.0.1:9292"),
                endpoint("i1", "SJC", "internal", "http://10.0.0.1:9292"));
        assertThat(CatalogReconciler.reconcile(H2, observed, ADMIN_ONLY))
                .containsExactly(new CatalogAction.InSync("SJC"));
        assertThat(CatalogReconciler.reconcile(H2, observed, Set.of("admin", "internal")))
                .containsExactly(new CatalogAction.SetUrl("SJC", "i1", "internal", "http://10.0.0.1:9292",
                        "https://10.0.0.2:9494"));
    }

    @Test
    void everyDuplicateAdminEndpointOfTheRegionIsPatchedInIdOrder() {
        var observed = List.of(admin("e2", "https://10.0.0.1:9494"), admin("e1", null),
                admin("e3", "https://10.0.0.2:9494"));
        assertThat(CatalogReconciler.reconcile(H2, observed, ADMIN_ONLY))
                .extracting(action -> ((CatalogAction.SetUrl) action).endpointId())
                .containsExactly("e1", "e2");
    }

    @Test
    void endpointsOfOtherRegionsAreNeverTouched() {
        var observed = List.of(endpoint("x1", "DFW", "admin", "https://10.9.9.9:9494"));
        assertThat(CatalogReconciler.reconcile(H2, observed, ADMIN_ONLY))
                .containsExactly(new CatalogAction.MissingEndpoint("SJC", "admin"));
    }

    @Test
    void aMissingManagedInterfaceIsReportedNotCreated() {
        var actions = CatalogReconciler.reconcile(H2, List.of(admin("e1", "https://10.0.0.1:9494")),
                Set.of("admin", "public"));
        assertThat(actions).containsExactly(
                new CatalogAction.SetUrl("SJC", "e1", "admin", "https://10.0.0.1:9494", "https://10.0.0.2:9494"),
                new CatalogAction.MissingEndpoint("SJC", "public"));
    }

    @Test
    void sameInputSameAnswer() {
        var observed = List.of(admin("e2", "https://a"), admin("e1", "https://b"));
        assertThat(CatalogReconciler.reconcile(H2, observed, ADMIN_ONLY))
                .isEqualTo(CatalogReconciler.reconcile(H2, observed.reversed(), ADMIN_ONLY));
    }

    private static CatalogEndpoint admin(String id, String url) {
        return endpoint(id, "SJC", "admin", url);
    }

    private static CatalogEndpoint endpoint(String id, String region, String interfaceName, String url) {
        return new CatalogEndpoint(id, region, interfaceName, url);
    }
}
