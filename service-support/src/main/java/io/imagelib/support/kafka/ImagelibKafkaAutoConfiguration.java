package io.imagelib.support.kafka;

import io.imagelib.schemas.registry.SchemaRegistries;
import io.imagelib.schemas.registry.SchemaRegistry;
import io.imagelib.schemas.serde.ConfluentAvroDeserializer;
import io.imagelib.schemas.serde.ConfluentAvroSerializer;
import io.imagelib.schemas.topics.TopicProvisioner;
import io.imagelib.schemas.topics.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.serializer.DelegatingByTypeSerializer;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.util.backoff.FixedBackOff;

/**
 * The Kafka conventions of every imagelib service, in one place: Avro values in the Confluent wire format
 * through the configured registry, string keys, acks=all with idempotence, deserialization failures caught by
 * {@link ErrorHandlingDeserializer}, records that cannot be decoded or keep failing sent to {@code <topic>-dlt} on the
 * same partition, and healthy records the registry keeps us from reading held, never parked ({@link BlockedConsumers}).
 */
@AutoConfiguration(before = KafkaAutoConfiguration.class)
@EnableConfigurationProperties(ImagelibKafkaProperties.class)
public class ImagelibKafkaAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    SchemaRegistry schemaRegistry(ImagelibKafkaProperties properties) {
        return SchemaRegistries.forUrl(properties.schemaRegistryUrl());
    }

    /** Serdes are named by class so the same settings work for reflective construction and in Kafka UI's terms. */
    @Bean
    DefaultKafkaProducerFactoryCustomizer imagelibProducerDefaults(ImagelibKafkaProperties properties) {
        return factory -> factory.updateConfigs(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ConfluentAvroSerializer.class,
                SchemaRegistries.URL_CONFIG, properties.schemaRegistryUrl()));
    }

    @Bean
    DefaultKafkaConsumerFactoryCustomizer imagelibConsumerDefaults(ImagelibKafkaProperties properties) {
        return factory -> factory.updateConfigs(Map.of(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ErrorHandlingDeserializer.class,
                ErrorHandlingDeserializer.KEY_DESERIALIZER_CLASS, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ErrorHandlingDeserializer.class,
                ErrorHandlingDeserializer.VALUE_DESERIALIZER_CLASS, ConfluentAvroDeserializer.class,
                SchemaRegistries.URL_CONFIG, properties.schemaRegistryUrl()));
    }

    @Bean
    BlockedConsumers blockedConsumers(MeterRegistry meters, ImagelibKafkaProperties properties) {
        return new BlockedConsumers(meters, properties.schemaRegistryUrl(), properties.blocked().backoff(),
                properties.blocked().logEvery(), Clock.systemUTC());
    }

    /** Readiness component {@code kafkaConsumers}: DOWN while a consumer holds a record the registry keeps it from reading. */
    @Bean
    BlockedConsumersHealthIndicator kafkaConsumersHealthIndicator(BlockedConsumers blocked) {
        return new BlockedConsumersHealthIndicator(blocked);
    }

    @Bean
    ListenerBlockage listenerBlockage(BlockedConsumers blocked) {
        return new ListenerBlockage(blocked);
    }

    /**
     * Undecodable records are parked on the DLT with the raw bytes at once; records a listener threw on are retried a
     * little (a transient fault may pass), then parked; healthy records the registry keeps us from reading are held
     * and retried until it can ({@link ListenerBlockage}).
     */
    @Bean
    @ConditionalOnMissingBean(CommonErrorHandler.class)
    DefaultErrorHandler kafkaErrorHandler(KafkaTemplate<?, ?> template, DeadLetterPublisher deadLetters,
                                          ImagelibKafkaProperties properties, ListenerBlockage blockage) {
        var handler = new DefaultErrorHandler(deadLetters.recoverer(template),
                new FixedBackOff(properties.deadLetterBackoff().toMillis(), properties.deadLetterRetries()));
        // Each held attempt fails again; BlockedConsumers logs the hold once, then every log-every.
        handler.setLogLevel(KafkaException.Level.DEBUG);
        blockage.applyTo(handler);
        return handler;
    }

    /** Runs before any listener container starts: a service never consumes from a topic the catalogue disowns. */
    @Bean
    @ConditionalOnProperty(prefix = "imagelib.kafka", name = "provision-topics", havingValue = "true", matchIfMissing = true)
    InitializingBean imagelibTopicProvisioning(KafkaAdmin kafkaAdmin) {
        return () -> {
            try (Admin admin = Admin.create(kafkaAdmin.getConfigurationProperties())) {
                new TopicProvisioner(admin).provision(Topics.ALL);
            }
        };
    }

    @Bean
    DeadLetterPublisher deadLetterPublisher(KafkaProperties kafka, ImagelibKafkaProperties properties, MeterRegistry meters,
                                            @Value("${spring.application.name:application}") String applicationName) {
        Map<String, Object> config = new LinkedHashMap<>(kafka.buildProducerProperties());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // Keys arrive as String when only the value was poison, as byte[] when the key itself was.
        var keys = new DelegatingByTypeSerializer(Map.of(
                byte[].class, new ByteArraySerializer(), String.class, new StringSerializer()));
        return new DeadLetterPublisher(new KafkaTemplate<>(new DefaultKafkaProducerFactory<Object, byte[]>(config,
                keys, new ByteArraySerializer())), applicationName + "/" + properties.instanceId(), meters);
    }

    @Bean
    StateReaderFactory stateReaderFactory(KafkaProperties kafka, SchemaRegistry registry, DeadLetterPublisher deadLetters,
                                          BlockedConsumers blocked, ImagelibKafkaProperties properties) {
        return new StateReaderFactory(kafka.buildConsumerProperties(), registry, deadLetters, blocked,
                properties.instanceId());
    }

    /**
     * Creates the shared producer on the startup thread. Kafka loads some classes by name through the thread's
     * context class loader; in a Spring Boot fat jar a JDK pool thread (e.g. an HttpClient callback) has the system
     * loader, which cannot see the nested jars, so a producer first created there fails.
     */
    @Bean
    SmartInitializingSingleton imagelibProducerWarmup(KafkaTemplate<?, ?> template) {
        return () -> template.getProducerFactory().createProducer().close();
    }

    /** Every catalogue value schema registered (and its id cached) before the first send: see {@link SchemaWarmup}. */
    @Bean
    SmartInitializingSingleton imagelibSchemaWarmup(SchemaRegistry registry) {
        return new SchemaWarmup(registry, Topics.ALL);
    }

    @Bean
    StateReadersHealthIndicator stateReadersHealthIndicator(
            org.springframework.beans.factory.ObjectProvider<CatchUp> readers) {
        return new StateReadersHealthIndicator(readers);
    }
}
