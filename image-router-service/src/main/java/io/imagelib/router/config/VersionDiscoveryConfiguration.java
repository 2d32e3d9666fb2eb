package io.imagelib.router.config;

import io.imagelib.router.domain.HostFailures;
import io.imagelib.router.domain.LiveHosts;
import io.imagelib.router.domain.Quarantine;
import io.imagelib.router.web.VersionDiscoveryFilter;
import io.imagelib.router.web.VersionDocuments;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpClient;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Glance's version discovery through the router; kept apart from the proxy's wiring (RouterConfiguration). */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(VersionDiscoveryProperties.class)
public class VersionDiscoveryConfiguration {

    @Bean
    VersionDocuments versionDocuments(LiveHosts hosts, Quarantine quarantine, HostFailures failures, HttpClient upstreamHttpClient,
                                      RouterProperties router, VersionDiscoveryProperties versions, MeterRegistry registry) {
        return new VersionDocuments(hosts, quarantine, failures, upstreamHttpClient, router, versions, registry);
    }

    /**
     * A filter, not a servlet mapping: {@code /regions/*} belongs to the proxy servlet, and only its discovery paths
     * ({@code /regions/{r}}, {@code /regions/{r}/versions}) are taken here; everything else passes on untouched.
     * Tomcat matches the filter pattern {@code /} exactly (the root only).
     */
    @Bean
    FilterRegistrationBean<VersionDiscoveryFilter> versionDiscoveryFilter(VersionDocuments documents) {
        var registration = new FilterRegistrationBean<>(new VersionDiscoveryFilter(documents));
        registration.addUrlPatterns("/", "/versions", "/versions/", "/regions/*");
        registration.setName("versionDiscovery");
        return registration;
    }
}
