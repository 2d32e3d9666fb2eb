package io.imagelib.catalogsync.config;

import io.imagelib.catalogsync.domain.Backoff;
import io.imagelib.catalogsync.kafka.AdminEndpointRecords;
import io.imagelib.catalogsync.keystone.HttpKeystoneCatalog;
import io.imagelib.catalogsync.keystone.KeystoneCatalog;
import io.imagelib.catalogsync.keystone.KeystoneHttp;
import io.imagelib.catalogsync.keystone.PasswordOrCredentialTokenSource;
import io.imagelib.catalogsync.keystone.StaticTokenSource;
import io.imagelib.catalogsync.keystone.TokenSource;
import io.imagelib.catalogsync.sync.CatalogSyncHealthIndicator;
import io.imagelib.catalogsync.sync.CatalogSyncer;
import io.imagelib.catalogsync.sync.SyncMetrics;
import io.imagelib.support.endpoint.AdminEndpointWatcher;
import io.imagelib.support.kafka.StateReaderFactory;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.StringUtils;

/**
 * Wires watcher -> syncer -> Keystone, mapping the Avro record to a decision at the Kafka edge; the only place that
 * knows all three.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CatalogSyncProperties.class)
public class CatalogSyncConfiguration {

    private static final Set<String> KNOWN_INTERFACES = Set.of("admin", "public", "internal");

    @Bean
    KeystoneHttp keystoneHttp(CatalogSyncProperties properties) {
        return new KeystoneHttp(properties.keystoneUrl(), properties.requestTimeout());
    }

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    TokenSource tokenSource(KeystoneHttp http, CatalogSyncProperties properties, Clock clock) {
        var auth = properties.auth();
        return switch (auth.method()) {
            case "password" -> PasswordOrCredentialTokenSource.password(http,
                    required(auth.username(), "username"), auth.userDomain(), required(auth.password(), "password"),
                    StringUtils.hasText(auth.projectName()) ? auth.projectName() : null, auth.projectDomain(),
                    auth.renewBefore(), clock);
            case "application-credential" -> PasswordOrCredentialTokenSource.applicationCredential(http,
                    required(auth.applicationCredentialId(), "application-credential-id"),
                    required(auth.applicationCredentialSecret(), "application-credential-secret"),
                    auth.renewBefore(), clock);
            case "token" -> new StaticTokenSource(required(auth.token(), "token"));
            default -> throw new IllegalStateException("imagelib.catalog-sync.auth.method must be password, "
                    + "application-credential or token, not '" + auth.method() + "'");
        };
    }

    @Bean
    KeystoneCatalog keystoneCatalog(KeystoneHttp http, TokenSource tokens) {
        return new HttpKeystoneCatalog(http, tokens);
    }

    @Bean
    CatalogSyncer catalogSyncer(KeystoneCatalog keystone, CatalogSyncProperties properties, MeterRegistry meters,
                                Clock clock) {
        var unknown = new TreeSet<>(properties.interfaces());
        unknown.removeAll(KNOWN_INTERFACES);
        if (!unknown.isEmpty()) {
            throw new IllegalStateException("imagelib.catalog-sync.interfaces: unknown " + unknown
                    + "; use admin, public, internal");
        }
        var backoff = properties.backoff();
        var settings = new CatalogSyncer.Settings(properties.serviceType(),
                StringUtils.hasText(properties.serviceName()) ? properties.serviceName() : null,
                Set.copyOf(properties.interfaces()),
                new Backoff(backoff.initial(), backoff.max(), backoff.multiplier()), properties.resyncInterval());
        return new CatalogSyncer(keystone, settings, new SyncMetrics(meters), clock);
    }

    @Bean
    AdminEndpointWatcher adminEndpointWatcher(StateReaderFactory readers, CatalogSyncer syncer) {
        return new AdminEndpointWatcher(readers)
                .onChange(endpoint -> syncer.want(AdminEndpointRecords.decision(endpoint)));
    }

    @Bean
    CatalogSyncHealthIndicator catalogSyncHealthIndicator(CatalogSyncer syncer) {
        return new CatalogSyncHealthIndicator(syncer);
    }

    private static String required(String value, String name) {
        if (!StringUtils.hasText(value)) {
            throw new IllegalStateException("imagelib.catalog-sync.auth." + name + " is required for this auth method");
        }
        return value;
    }
}
