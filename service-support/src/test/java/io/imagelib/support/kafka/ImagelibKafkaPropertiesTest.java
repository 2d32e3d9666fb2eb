package io.imagelib.support.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class ImagelibKafkaPropertiesTest {

    @Test
    void instanceIdDefaultsToHostAndPidAndNeverToAnUnresolvedPlaceholder() {
        var bound = bind(Map.of());
        assertThat(bound.instanceId()).endsWith("-" + ProcessHandle.current().pid()).doesNotContain("${");
        assertThat(bound.provisionTopics()).isTrue();
    }

    @Test
    void aConfiguredInstanceIdWins() {
        assertThat(bind(Map.of("imagelib.kafka.instance-id", "monitor-7")).instanceId()).isEqualTo("monitor-7");
    }

    private static ImagelibKafkaProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("imagelib.kafka", ImagelibKafkaProperties.class);
    }
}
