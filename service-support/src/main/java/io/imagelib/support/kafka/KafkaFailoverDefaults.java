package io.imagelib.support.kafka;

import java.util.Map;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;

/**
 * The client side of a broker failover, for every Kafka client of every service (producers, consumers, the admin
 * client and Kafka Streams, which all start from {@code spring.kafka.properties}): once the controller has moved a
 * dead broker's partitions, find the new leaders and coordinators within 100 ms instead of backing off up to 1 s, and
 * give up on a connect to a dead host after 1 s instead of 10 s. Defaults only: a value set in application.yml, an
 * environment variable or a system property for the same key wins. Figures and reasons: docs/operations.md,
 * "Kafka broker failover".
 */
@AutoConfiguration(before = KafkaAutoConfiguration.class)
public class KafkaFailoverDefaults {

    /**
     * Kafka's defaults are 1000, 1000, 10000 and 30000 ms. {@code retry.backoff.ms} stays 100 (50 was measured worse),
     * so with the max at 100 a client retries every 100 ms, without growing the wait, until the new leader answers.
     */
    public static final Map<String, String> CLIENT_DEFAULTS = Map.of(
            "retry.backoff.max.ms", "100",
            "reconnect.backoff.max.ms", "100",
            "socket.connection.setup.timeout.ms", "1000",
            "socket.connection.setup.timeout.max.ms", "5000");

    /** Fills the keys the configuration left unset, once it is bound and before any client factory reads it. */
    @Bean
    static BeanPostProcessor kafkaFailoverClientDefaults() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String beanName) {
                if (bean instanceof KafkaProperties kafka) {
                    CLIENT_DEFAULTS.forEach(kafka.getProperties()::putIfAbsent);
                }
                return bean;
            }
        };
    }
}
