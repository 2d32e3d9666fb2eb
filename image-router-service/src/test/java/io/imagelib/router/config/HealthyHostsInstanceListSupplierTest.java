package io.imagelib.router.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.imagelib.router.domain.Health;
import io.imagelib.router.domain.LiveHosts;
import io.imagelib.router.domain.Registration;
import io.imagelib.router.loadbalancer.HealthyHostsInstanceListSupplier;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.client.ServiceInstance;
import reactor.test.StepVerifier;

class HealthyHostsInstanceListSupplierTest {

    @Test
    void listsOnlyTheUpHostsOfTheRegionAndFollowsChanges() {
        LiveHosts live = new LiveHosts();
        register(live, "h1", "SJC", Health.UP);
        register(live, "h2", "SJC", Health.DOWN);
        register(live, "h3", "SJC", Health.DRAINING);
        register(live, "h4", "SJC", Health.UP);
        register(live, "x1", "LAX", Health.UP);
        live.apply(s -> s.withAdmin("SJC", "h4"));
        var supplier = new HealthyHostsInstanceListSupplier(live, "image-library", "SJC");

        StepVerifier.create(supplier.get().take(1))
                .assertNext(instances -> {
                    assertThat(instances).extracting(ServiceInstance::getInstanceId).containsExactly("h1", "h4");
                    ServiceInstance h4 = instances.get(1);
                    assertThat(h4.getServiceId()).isEqualTo("image-library");
                    assertThat(h4.getHost()).isEqualTo("10.0.0.4");
                    assertThat(h4.getPort()).isEqualTo(9292);
                    assertThat(h4.getMetadata()).containsEntry("admin", "true").containsEntry("region", "SJC");
                })
                .verifyComplete();

        live.apply(s -> s.withHealth("h1", Health.DOWN));
        assertThat(supplier.instances()).extracting(ServiceInstance::getInstanceId).containsExactly("h4");
        List<ServiceInstance> later = supplier.get().blockFirst();
        assertThat(later).extracting(ServiceInstance::getInstanceId).containsExactly("h4");
    }

    private static void register(LiveHosts live, String id, String region, Health health) {
        String ip = "10.0.0." + id.substring(1);
        live.apply(s -> s.withRegistration(id, new Registration(id, region, URI.create("http://" + ip + ":9292"),
                URI.create("https://" + ip + ":9494"))).withHealth(id, health));
    }
}
