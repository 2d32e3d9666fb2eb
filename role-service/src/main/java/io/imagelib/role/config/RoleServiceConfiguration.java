package io.imagelib.role.config;

import io.imagelib.avro.HostRole;
import io.imagelib.role.kafka.HostRoles;
import io.imagelib.role.kafka.KafkaRoleLog;
import io.imagelib.role.kafka.WriterLease;
import io.imagelib.role.probe.HealthcheckProbe;
import io.imagelib.role.probe.HttpHealthcheckProbe;
import io.imagelib.role.service.RoleLog;
import io.imagelib.role.service.RoleStateStore;
import io.imagelib.role.web.WriterRouting;
import io.imagelib.schemas.topics.TopicProvisioner;
import io.imagelib.schemas.topics.Topics;
import io.imagelib.support.kafka.CompactedTopicReader;
import io.imagelib.support.kafka.StateReaderFactory;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.apache.kafka.clients.admin.Admin;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Wires the role state to the host-roles topic and the probe to HTTP. */
@Configuration(proxyBeanMethods = false)
public class RoleServiceConfiguration {

    @Bean
    RoleStateStore roleStateStore() {
        return new RoleStateStore();
    }

    /** Rebuilds the roles from offset 0 at start and follows the topic; readiness is DOWN until it caught up. */
    @Bean
    CompactedTopicReader<HostRole> hostRolesReader(StateReaderFactory readers, RoleStateStore store) {
        return readers.reader(Topics.HOST_ROLES,
                (hostId, role) -> store.apply(hostId, role == null ? null : HostRoles.toDomain(role)),
                store::markCaughtUp);
    }

    /** Replicas compete for the one writer; see {@link WriterLease}. Joins the group once the web server listens. */
    @Bean
    WriterLease writerLease(KafkaProperties kafka, ProducerFactory<?, ?> producers, KafkaAdmin kafkaAdmin,
                            CompactedTopicReader<HostRole> hostRolesReader, RoleServiceProperties properties,
                            MeterRegistry meters) {
        try (Admin admin = Admin.create(kafkaAdmin.getConfigurationProperties())) {
            new TopicProvisioner(admin).provision(Topics.ROLE_WRITER_LEASE);
        }
        return new WriterLease(kafka.buildConsumerProperties(), producers.getConfigurationProperties(),
                kafkaAdmin.getConfigurationProperties(), hostRolesReader,
                new WriterLease.Settings(properties.lease().sessionTimeout(), properties.publishTimeout(),
                        properties.lease().catchUpTimeout()), meters);
    }

    @Bean
    ApplicationListener<WebServerInitializedEvent> writerLeaseStart(WriterLease lease, RoleServiceProperties properties) {
        return event -> lease.start(properties.lease().advertisedUrl().filter(url -> !url.isBlank())
                .orElse("http://127.0.0.1:" + event.getWebServer().getPort()));
    }

    @Bean
    WebMvcConfigurer writerRouting(WriterLease lease, MeterRegistry meters, RoleServiceProperties properties) {
        var routing = new WriterRouting(lease::view, meters,
                properties.probeTimeout().plus(properties.publishTimeout()).plus(properties.readBackTimeout()),
                properties.lease().waitForWriter());
        return new WebMvcConfigurer() {
            @Override
            public void addInterceptors(InterceptorRegistry registry) {
                registry.addInterceptor(routing).addPathPatterns("/v1/**");
            }
        };
    }

    @Bean
    @ConditionalOnMissingBean(RoleLog.class)
    RoleLog kafkaRoleLog(WriterLease lease, CompactedTopicReader<HostRole> hostRolesReader, RoleServiceProperties properties) {
        return new KafkaRoleLog(lease, hostRolesReader, properties.readBackTimeout());
    }

    @Bean
    HealthcheckProbe healthcheckProbe(RoleServiceProperties properties) {
        return new HttpHealthcheckProbe(properties.probeTimeout());
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    OpenAPI roleServiceOpenApi() {
        return new OpenAPI()
                .info(new Info().title("role-service").version("v1")
                        .description("Assigns and removes the image-library role of hosts under the seed's HA rules."))
                .components(new Components().addSecuritySchemes("bearer",
                        new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")));
    }
}
