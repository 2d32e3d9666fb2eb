package io.imagelib.support.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imagelib.schemas.registry.SchemaNotFoundException;
import io.imagelib.schemas.registry.SchemaRegistryUnavailableException;
import io.imagelib.schemas.serde.DecodeFailure;
import io.imagelib.schemas.serde.RegistryInconsistentException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;

class BlockedConsumersTest {

    private static final String REGISTRY = "http://127.0.0.1:8081/apis/ccompat/v7";
    private static final String TOPIC = "imagelib.host-health";
    private static final Throwable NOT_FOUND = new SerializationException("Cannot deserialize",
            new SchemaNotFoundException("Schema registry " + REGISTRY + " answered 404", 40403));

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private Instant now = Instant.parse("2026-12-06T05:00:00Z");
    private final BlockedConsumers blocked = new BlockedConsumers(meters, REGISTRY,
            new RetryBackoff(Duration.ofMillis(250), Duration.ofSeconds(5)), Duration.ofMinutes(5), () -> now);

    @Test
    void aHeldRecordRaisesTheGaugeAndCountsEveryAttemptUntilItIsDelivered() {
        assertThat(blocked.failed("router", TOPIC, 3, 17, DecodeFailure.UNKNOWN_SCHEMA_ID, NOT_FOUND)).hasMillis(250);
        assertThat(blocked.failed("router", TOPIC, 3, 17, DecodeFailure.UNKNOWN_SCHEMA_ID, NOT_FOUND)).hasMillis(500);

        assertThat(gauge("router")).isEqualTo(1.0);
        assertThat(retries("unknown-schema-id")).isEqualTo(2.0);
        assertThat(blocked.current()).singleElement().satisfies(b -> {
            assertThat(b.attempts()).isEqualTo(2);
            assertThat(b.offset()).isEqualTo(17);
            assertThat(b.message()).contains("answered 404");
        });

        blocked.delivered("router", TOPIC, 3);

        assertThat(gauge("router")).isZero();
        assertThat(blocked.current()).isEmpty();
    }

    @Test
    void aConsumerStaysBlockedWhileAnyOfItsPartitionsIsHeld() {
        blocked.failed("router", TOPIC, 1, 5, DecodeFailure.REGISTRY_UNAVAILABLE, unavailable());
        blocked.failed("router", TOPIC, 2, 9, DecodeFailure.REGISTRY_UNAVAILABLE, unavailable());

        blocked.delivered("router", TOPIC, 1);

        assertThat(gauge("router")).isEqualTo(1.0);
        assertThat(blocked.current()).extracting(BlockedConsumers.Blockage::partition).containsExactly(2);
    }

    @Test
    void aNewCauseOrRecordStartsTheBackoffAgain() {
        blocked.failed("router", TOPIC, 1, 5, DecodeFailure.REGISTRY_UNAVAILABLE, unavailable());
        blocked.failed("router", TOPIC, 1, 5, DecodeFailure.REGISTRY_UNAVAILABLE, unavailable());
        assertThat(blocked.failed("router", TOPIC, 1, 5, DecodeFailure.UNKNOWN_SCHEMA_ID, NOT_FOUND)).hasMillis(250);
    }

    @Test
    void aConsumerThatCannotSeeDeliveriesClearsAfterAQuietSpell() {
        blocked.failedUntilQuiet("election", TOPIC, 0, 1, DecodeFailure.UNKNOWN_SCHEMA_ID, NOT_FOUND, Duration.ofSeconds(15));
        now = now.plusSeconds(14);
        assertThat(gauge("election")).isEqualTo(1.0);
        now = now.plusSeconds(1);
        assertThat(gauge("election")).isZero();
        assertThat(blocked.current()).isEmpty();
    }

    @Test
    void poisonIsNeverHeld() {
        assertThatThrownBy(() -> blocked.failed("router", TOPIC, 0, 0, DecodeFailure.POISON, new SerializationException("x")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readinessIsDownAndNamesTopicConsumerReasonAndRegistry() {
        var health = new BlockedConsumersHealthIndicator(blocked);
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);

        blocked.failed("router", TOPIC, 4, 2, DecodeFailure.REGISTRY_INCONSISTENT,
                new RegistryInconsistentException(TOPIC, 7, "io.imagelib.avro.HostRole", "io.imagelib.avro.HostHealth"));

        var down = health.health();
        assertThat(down.getStatus()).isEqualTo(Status.DOWN);
        @SuppressWarnings("unchecked")
        var details = (List<Map<String, Object>>) down.getDetails().get("blocked");
        assertThat(details).singleElement().satisfies(d -> assertThat(d)
                .containsEntry("topic", TOPIC).containsEntry("consumer", "router")
                .containsEntry("reason", "registry-inconsistent").containsEntry("registry", REGISTRY)
                .containsEntry("partition", 4).containsEntry("offset", 2L));
        assertThat((String) details.getFirst().get("message")).contains("Restore the registry's storage");
    }

    private double gauge(String consumer) {
        return meters.get("imagelib.kafka.blocked").tags("topic", TOPIC, "consumer", consumer).gauge().value();
    }

    private double retries(String reason) {
        return meters.get("imagelib.kafka.infrastructure.retries").tags("topic", TOPIC, "reason", reason).counter().count();
    }

    private static Throwable unavailable() {
        return new SchemaRegistryUnavailableException("Schema registry " + REGISTRY + " unreachable", 0, null);
    }
}
