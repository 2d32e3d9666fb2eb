package io.imagelib.router.config;

import io.imagelib.router.domain.HostFailures;
import io.imagelib.router.domain.LiveHosts;
import io.imagelib.router.domain.Quarantine;
import io.imagelib.router.kafka.KafkaHostFailures;
import io.imagelib.router.web.DataPlane;
import io.imagelib.router.web.HostAttempts;
import io.imagelib.router.web.ImageProxy;
import io.imagelib.router.web.ImageProxyServlet;
import io.imagelib.router.web.InFlightReads;
import io.imagelib.router.web.LiveSetChanges;
import io.imagelib.support.kafka.ImagelibKafkaProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpClient;
import java.util.concurrent.Executors;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({RouterProperties.class, DataPlaneProperties.class})
public class RouterConfiguration {

    /**
     * The live snapshot; each swap cuts reads in flight to lost hosts (a DOWN host's once they stall), logs panic mode
     * changes and keeps a pair of gauges per region (UP hosts, panic mode) for the region alerts.
     */
    @Bean
    LiveHosts liveHosts(InFlightReads inFlightReads, MeterRegistry registry, RouterProperties properties) {
        LiveHosts hosts = new LiveHosts();
        hosts.onChange(new LiveSetChanges(inFlightReads, registry, hosts::snapshot, properties.stalledRead(),
                properties.downloadIdleTimeout()));
        hosts.onChange(new RegionGauges(hosts, registry));
        return hosts;
    }

    @Bean
    InFlightReads inFlightReads() {
        return new InFlightReads();
    }

    @Bean
    Quarantine quarantine(RouterProperties properties) {
        return new Quarantine(properties.quarantine().toMillis());
    }

    @Bean
    HostFailures hostFailures(KafkaTemplate<String, Object> kafka, ImagelibKafkaProperties kafkaProperties) {
        return new KafkaHostFailures(kafka, kafkaProperties.instanceId());
    }

    /** HTTP/1.1 like Glance's WSGI server; redirects are never followed (the router only talks to registered URLs). */
    @Bean(destroyMethod = "close")
    HttpClient upstreamHttpClient(RouterProperties properties) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(properties.connectTimeout())
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    /**
     * Tomcat's NIO connector writes at most {@code socket.appWriteBufSize} (8 KB by default) per syscall even when the
     * servlet hands it a larger block: image data goes out in copy-buffer sized writes instead, from a direct buffer
     * (a heap one is copied once more by the JDK on every socket write).
     */
    @Bean
    TomcatConnectorCustomizer largeSocketWrites() {
        return connector -> {
            connector.setProperty("socket.appWriteBufSize", Integer.toString(ImageProxy.COPY_BUFFER));
            connector.setProperty("socket.directBuffer", "true");
        };
    }

    @Bean
    HostAttempts hostAttempts(LiveHosts hosts, Quarantine quarantine, HostFailures failures, RouterProperties properties,
                              MeterRegistry registry) {
        return new HostAttempts(hosts, quarantine, failures, properties, registry);
    }

    @Bean
    ImageProxy imageProxy(HostAttempts hostAttempts, HttpClient upstreamHttpClient, InFlightReads inFlightReads,
                          RouterProperties properties) {
        return new ImageProxy(hostAttempts, upstreamHttpClient, inFlightReads, properties);
    }

    /** Listens once the servlet port is known: it sends what it does not serve there. */
    @Bean(destroyMethod = "close")
    @ConditionalOnBooleanProperty("imagelib.router.data-plane.enabled")
    DataPlane dataPlane(HostAttempts hostAttempts, InFlightReads inFlightReads, RouterProperties properties,
                        DataPlaneProperties dataPlane) {
        return new DataPlane(hostAttempts, inFlightReads, properties, dataPlane);
    }

    @Bean
    @ConditionalOnBooleanProperty("imagelib.router.data-plane.enabled")
    ApplicationListener<WebServerInitializedEvent> dataPlaneStarter(DataPlane dataPlane) {
        return event -> {
            if (event.getApplicationContext().getServerNamespace() == null) { // the servlet port, not a management one
                dataPlane.start(event.getWebServer().getPort());
            }
        };
    }

    @Bean
    ServletRegistrationBean<ImageProxyServlet> imageProxyServlet(ImageProxy proxy) {
        var registration = new ServletRegistrationBean<>(new ImageProxyServlet(proxy), "/v2/*", "/regions/*");
        registration.setName("imageProxy");
        registration.setLoadOnStartup(1);
        return registration;
    }

    /** Informational: how many hosts the default region can use now (not in readiness: see docs). */
    @Bean
    HealthIndicator upstreamsHealthIndicator(LiveHosts hosts, RouterProperties properties) {
        return () -> {
            int healthy = hosts.snapshot().healthy(properties.defaultRegion()).size();
            return (healthy > 0 ? Health.up() : Health.down())
                    .withDetail("region", properties.defaultRegion())
                    .withDetail("healthyHosts", healthy)
                    .build();
        };
    }
}
