package io.imagelib.support.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @Test
    void groupSessionsEndASilentMemberAfterThreeSecondsWithThreeHeartbeatsPerSession() {
        assertThat(bind(Map.of()).groupSession().consumerConfig())
                .containsEntry("session.timeout.ms", 3000)
                .containsEntry("heartbeat.interval.ms", 1000);
        assertThat(bind(Map.of("imagelib.kafka.group-session.timeout", "6s")).groupSession().consumerConfig())
                .as("as set, e.g. for brokers that keep group.min.session.timeout.ms at 6 s")
                .containsEntry("session.timeout.ms", 6000)
                .containsEntry("heartbeat.interval.ms", 2000);
    }

    @Test
    void aGroupSessionUnderOneSecondIsRefused() {
        assertThatThrownBy(() -> bind(Map.of("imagelib.kafka.group-session.timeout", "500ms")))
                .hasRootCauseInstanceOf(IllegalArgumentException.class)
                .rootCause().hasMessageContaining("at least 1s");
    }

    private static ImagelibKafkaProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("imagelib.kafka", ImagelibKafkaProperties.class);
    }
}
