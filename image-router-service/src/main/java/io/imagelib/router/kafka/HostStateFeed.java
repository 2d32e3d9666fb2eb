package io.imagelib.router.kafka;

import io.imagelib.avro.HostHealth;
import io.imagelib.avro.HostRole;
import io.imagelib.router.domain.Health;
import io.imagelib.router.domain.LiveHosts;
import io.imagelib.router.domain.Quarantine;
import io.imagelib.schemas.topics.Topics;
import io.imagelib.support.endpoint.AdminEndpointWatcher;
import io.imagelib.support.kafka.CompactedTopicReader;
import io.imagelib.support.kafka.StateReaderFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Feeds the live snapshot from the three state topics, each read whole by every router instance (no consumer
 * group). Each record becomes one atomic snapshot swap on the reader thread.
 */
@Configuration(proxyBeanMethods = false)
public class HostStateFeed {

    @Bean
    CompactedTopicReader<HostRole> hostRolesReader(StateReaderFactory readers, LiveHosts hosts) {
        return readers.reader(Topics.HOST_ROLES, (hostId, role) ->
                hosts.apply(s -> s.withRegistration(hostId, role == null ? null : HostRecords.registration(role))));
    }

    @Bean
    CompactedTopicReader<HostHealth> hostHealthReader(StateReaderFactory readers, LiveHosts hosts, Quarantine quarantine) {
        return readers.reader(Topics.HOST_HEALTH, (hostId, record) -> {
            Health health = record == null ? null : HostRecords.health(record);
            // Only this reader writes health, so the snapshot before the swap holds the previous verdict.
            Health before = hosts.snapshot().health(hostId);
            hosts.apply(s -> s.withHealth(hostId, health));
            quarantine.monitorSaid(hostId, before, health);
        });
    }

    @Bean
    AdminEndpointWatcher adminEndpointWatcher(StateReaderFactory readers, LiveHosts hosts) {
        return new AdminEndpointWatcher(readers)
                .onChange(admin -> hosts.apply(s -> s.withAdmin(admin.getRegion(), admin.getHostId())));
    }
}
