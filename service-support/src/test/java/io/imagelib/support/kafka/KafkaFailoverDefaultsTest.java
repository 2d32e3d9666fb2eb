package io.imagelib.support.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** Every client gets the failover settings unless the service's configuration says otherwise, key by key. */
class KafkaFailoverDefaultsTest {

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(KafkaFailoverDefaults.class, KafkaAutoConfiguration.class));

    @Test
    void everyServiceGetsThemAsAnAutoConfiguration() {
        assertThat(ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader()).getCandidates())
                .contains(KafkaFailoverDefaults.class.getName());
    }

    @Test
    void everyKindOfClientGetsTheFailoverSettingsByDefault() {
        context.run(app -> {
            KafkaProperties kafka = app.getBean(KafkaProperties.class);
            for (Map<String, Object> client : new Map[] {kafka.buildProducerProperties(), kafka.buildConsumerProperties(),
                    kafka.buildAdminProperties(), kafka.buildStreamsProperties()}) {
                assertThat(client).containsAllEntriesOf(KafkaFailoverDefaults.CLIENT_DEFAULTS)
                        .containsEntry("retry.backoff.max.ms", "100")
                        .containsEntry("socket.connection.setup.timeout.ms", "1000");
            }
        });
    }

    @Test
    void aValueInTheServiceConfigurationWinsForItsKeyOnly() {
        context.withPropertyValues("spring.kafka.properties.retry.backoff.max.ms=900").run(app -> {
            Map<String, Object> producer = app.getBean(KafkaProperties.class).buildProducerProperties();
            assertThat(producer).containsEntry("retry.backoff.max.ms", "900")
                    .containsEntry("reconnect.backoff.max.ms", "100");
        });
    }

    @Test
    void anEnvironmentVariableWins() {
        context.withInitializer(app -> app.getEnvironment().getPropertySources().addFirst(
                        new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                                Map.of("SPRING_KAFKA_PROPERTIES_SOCKET_CONNECTION_SETUP_TIMEOUT_MS", "3000"))))
                .run(app -> assertThat(app.getBean(KafkaProperties.class).buildConsumerProperties())
                        .containsEntry("socket.connection.setup.timeout.ms", "3000")
                        .containsEntry("socket.connection.setup.timeout.max.ms", "5000"));
    }

    @Test
    void aClientSpecificValueWinsForThatClient() {
        context.withPropertyValues("spring.kafka.producer.properties.reconnect.backoff.max.ms=400").run(app -> {
            KafkaProperties kafka = app.getBean(KafkaProperties.class);
            assertThat(kafka.buildProducerProperties()).containsEntry("reconnect.backoff.max.ms", "400");
            assertThat(kafka.buildConsumerProperties()).containsEntry("reconnect.backoff.max.ms", "100");
        });
    }
}
