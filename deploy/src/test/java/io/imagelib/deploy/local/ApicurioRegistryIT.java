package io.imagelib.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.imagelib.schemas.registry.RestSchemaRegistry;
import io.imagelib.schemas.topics.TopicSpec;
import io.imagelib.schemas.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
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

    @Test
    void aRegistryKilledWithSigkillComesBackFromItsDataDirectoryWithTheSameIdsAndSchemas() throws Exception {
        Map<Integer, Schema> registered = new HashMap<>();
        int port;
        try (ApicurioRegistryProcess registry = ApicurioRegistryProcess.start(dir)) {
            port = registry.port();
            RestSchemaRegistry client = new RestSchemaRegistry(registry.ccompatUrl());
            for (TopicSpec<String, ?> topic : Topics.ALL) {
                Schema schema = SpecificData.get().getSchema(topic.valueType());
                registered.put(client.register(topic.valueSubject(), schema), schema);
            }
            // No pause: the last registration must already be on disk when its answer arrives.
            ProcessHandle killed = ProcessHandle.of(registry.pid()).orElseThrow();
            killed.destroyForcibly();
            killed.onExit().get();
        }
        assertThat(ApicurioRegistryProcess.dataDir(dir).resolve("registry.mv.db")).isNotEmptyFile();

        long start = System.nanoTime();
        try (ApicurioRegistryProcess restarted = ApicurioRegistryProcess.start(dir, port)) {
            System.out.printf("registry restarted on its data directory in %d ms%n", (System.nanoTime() - start) / 1_000_000);
            RestSchemaRegistry client = new RestSchemaRegistry(restarted.ccompatUrl());
            registered.forEach((id, schema) -> assertThat(client.getSchemaById(id)).as("schema id %d", id).isEqualTo(schema));
            for (TopicSpec<String, ?> topic : Topics.ALL) {
                Schema schema = SpecificData.get().getSchema(topic.valueType());
                assertThat(registered.get(client.register(topic.valueSubject(), schema)))
                        .as("id of %s re-registered after the restart", topic.valueSubject()).isEqualTo(schema);
            }
            Schema unseen = SchemaBuilder.record("Unseen").namespace("io.imagelib.test").fields().requiredInt("x").endRecord();
            assertThat(client.register("unseen-value", unseen)).as("a new schema gets a new id, not a reused one")
                    .isNotIn(registered.keySet());
        }
    }

    /**
     * Five services start at once against a fresh registry, each registering what it sends (the endpoint-service also
     * its Streams topics' subjects). With the app's default worker pool this hung past the 5 s client timeout (H2
     * lock and unique-key conflicts); the launcher's single worker serves the registrations in turn.
     */
    @Test
    void servicesRegisteringAtOnceOnAFreshRegistryAllGetTheirIdsWithinSeconds() throws Exception {
        try (ApicurioRegistryProcess registry = ApicurioRegistryProcess.start(dir)) {
            List<String> subjects = IntStream.range(0, 6).mapToObj(i -> "endpoint-service-store-" + i + "-value").toList();
            Schema schema = SchemaBuilder.record("Store").namespace("io.imagelib.test").fields().requiredString("x").endRecord();
            long start = System.nanoTime();
            try (ExecutorService services = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<List<Integer>>> perService = IntStream.range(0, 5).mapToObj(service -> services.submit(() -> {
                    RestSchemaRegistry client = new RestSchemaRegistry(registry.ccompatUrl());
                    return subjects.stream().map(subject -> client.register(subject, schema)).toList();
                })).toList();
                List<Integer> first = perService.getFirst().get(30, TimeUnit.SECONDS);
                for (Future<List<Integer>> ids : perService) {
                    assertThat(ids.get(30, TimeUnit.SECONDS)).as("ids each service got, by subject").isEqualTo(first);
                }
            }
            System.out.printf("5 clients x %d new subjects at once: all registered in %d ms%n", subjects.size(),
                    (System.nanoTime() - start) / 1_000_000);
        }
    }

    private static String rss(long pid) throws Exception {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                .filter(l -> l.startsWith("VmRSS:")).map(l -> l.substring(6).trim()).findFirst().orElse("unknown");
    }
}
