package io.imagelib.role.config;

import io.imagelib.avro.HostRole;
import io.imagelib.role.kafka.HostRoles;
import io.imagelib.role.kafka.KafkaRoleLog;
import io.imagelib.role.probe.HealthcheckProbe;
import io.imagelib.role.probe.HttpHealthcheckProbe;
import io.imagelib.role.service.RoleLog;
import io.imagelib.role.service.RoleStateStore;
import io.imagelib.schemas.topics.Topics;
import io.imagelib.support.kafka.CompactedTopicReader;
import io.imagelib.support.kafka.StateReaderFactory;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;

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

    @Bean
    @ConditionalOnMissingBean(RoleLog.class)
    RoleLog kafkaRoleLog(KafkaTemplate<String, Object> kafka, CompactedTopicReader<HostRole> hostRolesReader,
                         RoleServiceProperties properties) {
        return new KafkaRoleLog(kafka, hostRolesReader, properties.publishTimeout(), properties.readBackTimeout());
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
