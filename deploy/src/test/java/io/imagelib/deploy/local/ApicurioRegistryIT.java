package io.imagelib.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.imagelib.schemas.registry.RestSchemaRegistry;
import io.imagelib.schemas.topics.TopicSpec;
import io.imagelib.schemas.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Builds (first run only) and starts the real registry: run with -Pregistry. */
@Tag("registry")
class ApicurioRegistryIT {

    @TempDir
    Path dir;

    @Test
    void theRegistryBuiltFromCentralTakesAndServesEveryCatalogueSchemaThroughOurClient() throws Exception {
        Path root = ApicurioRegistryProcess.locateProjectRoot();
        long buildStart = System.nanoTime();
        ApicurioRegistryProcess.buildIfMissing(root, System.out::println);
        System.out.printf("registry build (or found built) in %d ms%n", (System.nanoTime() - buildStart) / 1_000_000);

        long pid;
        long start = System.nanoTime();
        try (ApicurioRegistryProcess registry = ApicurioRegistryProcess.start(dir)) {
            System.out.printf("registry ready in %d ms on %s, RSS %s%n", (System.nanoTime() - start) / 1_000_000,
                    registry.ccompatUrl(), rss(registry.pid()));
            pid = registry.pid();

            RestSchemaRegistry producerSide = new RestSchemaRegistry(registry.ccompatUrl());
            Map<Integer, Schema> registered = new HashMap<>();
            for (TopicSpec<String, ?> topic : Topics.ALL) {
                Schema schema = SpecificData.get().getSchema(topic.valueType());
                registered.put(producerSide.register(topic.valueSubject(), schema), schema);
            }

            RestSchemaRegistry consumerSide = new RestSchemaRegistry(registry.ccompatUrl());
            assertThat(registered).hasSize(Topics.ALL.size());
            registered.forEach((id, schema) -> assertThat(consumerSide.getSchemaById(id)).isEqualTo(schema));
            assertThat(consumerSide.getAllSubjects())
                    .containsExactlyInAnyOrderElementsOf(Topics.ALL.stream().map(TopicSpec::valueSubject).toList());
            TopicSpec<String, ?> health = Topics.HOST_HEALTH;
            assertThat(consumerSide.testCompatibility(health.valueSubject(), SpecificData.get().getSchema(health.valueType())))
                    .isTrue();
        }

        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("registry PID %d after stop", pid).isEmpty();
        assertThat(dir.resolve("registry.pid")).doesNotExist();
    }

    private static String rss(long pid) throws Exception {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                .filter(l -> l.startsWith("VmRSS:")).map(l -> l.substring(6).trim()).findFirst().orElse("unknown");
    }
}
