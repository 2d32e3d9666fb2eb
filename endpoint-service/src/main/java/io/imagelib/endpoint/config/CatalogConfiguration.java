package io.imagelib.endpoint.config;

import io.imagelib.avro.RegionEndpoints;
import io.imagelib.endpoint.kafka.ElectionCommands;
import io.imagelib.endpoint.kafka.ElectionMetrics;
import io.imagelib.endpoint.web.EndpointCatalog;
import io.imagelib.schemas.topics.Topics;
import io.imagelib.support.endpoint.AdminEndpointWatcher;
import io.imagelib.support.kafka.CompactedTopicReader;
import io.imagelib.support.kafka.DeadLetterPublisher;
import io.imagelib.support.kafka.ImagelibKafkaProperties;
import io.imagelib.support.kafka.StateReaderFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/** The REST side's view of the published topics; readiness waits until each reader has caught up. */
@Configuration(proxyBeanMethods = false)
public class CatalogConfiguration {

    @Bean
    AdminEndpointWatcher adminEndpointWatcher(StateReaderFactory readers, ElectionMetrics metrics) {
        return new AdminEndpointWatcher(readers).onChange(admin -> metrics.epochSeen(admin.getRegion(), admin.getEpoch()));
    }

    @Bean
    EndpointCatalog endpointCatalog(AdminEndpointWatcher admins) {
        return new EndpointCatalog(admins);
    }

    @Bean
    CompactedTopicReader<RegionEndpoints> regionEndpointsReader(StateReaderFactory readers, EndpointCatalog catalog) {
        return readers.reader(Topics.REGION_ENDPOINTS, catalog::onRegionEndpoints);
    }

    @Bean
    ElectionCommands electionCommands(KafkaTemplate<String, Object> template, ConsumerFactory<String, Object> consumers,
                                      ImagelibKafkaProperties kafka, DeadLetterPublisher deadLetters) {
        return new ElectionCommands(template.getProducerFactory(), consumers, kafka.instanceId(),
                deadLetters.recoverer(template));
    }

    @Bean
    ElectionStreamsHealthIndicator electionStreams(StreamsBuilderFactoryBean streams) {
        return new ElectionStreamsHealthIndicator(streams);
    }
}
