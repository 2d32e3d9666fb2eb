package io.imagelib.deploy.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Every service's Kafka clients (producers, consumers, admin and, through Boot's common properties, the
 * endpoint-service's Streams clients) find a moved partition leader or coordinator within 250 ms of the controller
 * moving it, and give up on a connect to a dead host after 1 s. One copy per application.yml, so this keeps them equal.
 */
class KafkaClientFailoverSettingsTest {

    static final Map<String, Object> FAILOVER = Map.of(
            "retry.backoff.max.ms", 250,
            "reconnect.backoff.max.ms", 250,
            "socket.connection.setup.timeout.ms", 1000,
            "socket.connection.setup.timeout.max.ms", 5000);

    private final Path root = RepoRoot.find();

    @TestFactory
    Stream<DynamicTest> everyServiceUsesTheFailoverClientSettings() {
        return DeployComposeTest.SERVICES.stream().map(service -> DynamicTest.dynamicTest(service, () -> {
            Path yml = root.resolve(service).resolve("src/main/resources/application.yml");
            assumeTrue(Files.isRegularFile(yml), service + " is not in this tree");
            assertThat(kafkaProperties(yml)).as("spring.kafka.properties of %s", service).containsAllEntriesOf(FAILOVER);
        }));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> kafkaProperties(Path yml) throws IOException {
        try (Reader in = Files.newBufferedReader(yml)) {
            Map<String, Object> doc = new Yaml(new LoaderOptions()).load(in);
            Map<String, Object> kafka = (Map<String, Object>) ((Map<String, Object>) doc.get("spring")).get("kafka");
            return (Map<String, Object>) kafka.getOrDefault("properties", Map.of());
        }
    }
}
