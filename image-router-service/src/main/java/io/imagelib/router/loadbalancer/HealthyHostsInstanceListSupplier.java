package io.imagelib.router.loadbalancer;

import io.imagelib.router.domain.LiveHosts;
import io.imagelib.router.domain.Registration;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import reactor.core.publisher.Flux;

/**
 * The region's UP image-library hosts as a Spring Cloud LoadBalancer instance list, so a Java client balances on its
 * own side without the proxy hop (Nova's api_servers list, plus health). Each call reads the current snapshot.
 */
public final class HealthyHostsInstanceListSupplier implements ServiceInstanceListSupplier {

    private final LiveHosts hosts;
    private final String serviceId;
    private final String region;

    public HealthyHostsInstanceListSupplier(LiveHosts hosts, String serviceId, String region) {
        this.hosts = hosts;
        this.serviceId = serviceId;
        this.region = region;
    }

    @Override
    public String getServiceId() {
        return serviceId;
    }

    @Override
    public Flux<List<ServiceInstance>> get() {
        return Flux.defer(() -> Flux.just(instances()));
    }

    /** The instances now; also usable without Reactor. */
    public List<ServiceInstance> instances() {
        var snapshot = hosts.snapshot();
        String admin = snapshot.admin(region).map(Registration::hostId).orElse(null);
        return snapshot.healthy(region).stream()
                .map(host -> instance(host, host.hostId().equals(admin)))
                .toList();
    }

    private ServiceInstance instance(Registration host, boolean admin) {
        URI url = host.publicUrl();
        boolean secure = "https".equalsIgnoreCase(url.getScheme());
        int port = url.getPort() > 0 ? url.getPort() : secure ? 443 : 80;
        return new DefaultServiceInstance(host.hostId(), serviceId, url.getHost(), port, secure,
                Map.of("region", host.region(), "admin", Boolean.toString(admin)));
    }
}
