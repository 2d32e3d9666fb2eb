package io.imagelib.endpoint.it;

import io.imagelib.testing.KafkaTestBroker;
import java.util.UUID;
import org.springframework.test.context.DynamicPropertyRegistry;

/** Wires the whole endpoint-service to a test class's embedded broker, with the bearer tokens the test needs. */
public final class ServiceUnderTest {

    private ServiceUnderTest() {
    }

    /** Broker, mock registry, a fresh Streams state dir (no state leaks between classes), single-broker topics. */
    public static void onBroker(DynamicPropertyRegistry registry, KafkaTestBroker kafka) {
        registry.add("spring.kafka.bootstrap-servers", kafka::bootstrapServers);
        registry.add("imagelib.kafka.schema-registry-url", () -> KafkaTestBroker.REGISTRY_URL);
        registry.add("imagelib.endpoint.streams.state-dir", () -> "target/streams-state/" + UUID.randomUUID());
        registry.add("imagelib.endpoint.streams.replication-factor", () -> "1");
    }

    /** Configures token number {@code index} for {@code principal} with one role. */
    public static void token(DynamicPropertyRegistry registry, int index, String token, String principal, String role) {
        String prefix = "imagelib.security.tokens[" + index + "].";
        registry.add(prefix + "token", () -> token);
        registry.add(prefix + "principal", () -> principal);
        registry.add(prefix + "roles[0]", () -> role);
    }
}
