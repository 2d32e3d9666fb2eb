package io.imagelib.deploy.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.imagelib.deploy.local.KafkaCluster;
import io.imagelib.deploy.local.ServiceModule;
import io.imagelib.schemas.topics.TopicSpec;
import io.imagelib.schemas.topics.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/compose/docker-compose.yml checked without Docker: it parses, images are pinned through .env, host ports
 * are unique, depends_on targets exist and are healthchecked, Kafka is 3 brokers and 3 dedicated KRaft controllers set
 * as deploy's local KafkaCluster (RF 3, min ISR 2, the fencing session),
 * and every environment variable of our services binds to a property the service really reads (derived from the
 * source tree now, so renaming a property without fixing compose fails here).
 */
class DeployComposeTest {

    /** The service modules; compose runs each as {@code <module>-1} and {@code <module>-2}. */
    static final List<String> SERVICES = Arrays.stream(ServiceModule.values()).map(ServiceModule::module).toList();
    static final int INSTANCES = 2;
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}");

    static Path root;
    static Map<String, String> dotEnv;
    static Map<String, Map<String, Object>> services;

    @BeforeAll
    static void load() throws IOException {
        root = RepoRoot.find();
        Path compose = root.resolve("deploy/compose");
        dotEnv = readDotEnv(compose.resolve(".env"));
        Map<String, Object> file = new Yaml(new LoaderOptions()).load(Files.readString(compose.resolve("docker-compose.yml")));
        services = new LinkedHashMap<>();
        map(file.get("services")).forEach((name, service) -> services.put(name, map(service)));
    }

    @Test
    void everyPieceOfTheStackIsThere() {
        assertThat(services).containsKeys("kafka-1", "kafka-2", "kafka-3", "schema-registry", "kafka-ui");
        assertThat(services).containsKeys(instances().toArray(String[]::new));
    }

    @Test
    void everyServiceRunsTwiceEachInstanceWithItsOwnIdPortAndState() {
        for (String module : SERVICES) {
            List<String> names = instancesOf(module);
            assertThat(names).as(module).hasSize(INSTANCES).allSatisfy(name -> assertThat(services).containsKey(name));
            assertThat(names.stream().map(name -> environment(services.get(name)).get("IMAGELIB_KAFKA_INSTANCE_ID")))
                    .as("instance ids of %s", module).containsExactlyElementsOf(names);
            assertThat(names.stream().map(name -> environment(services.get(name)).get("SERVER_PORT")))
                    .as("ports of %s", module).doesNotHaveDuplicates();
            assertThat(names.stream().map(name -> map(services.get(name).get("build")).get("args")))
                    .as("every instance runs the %s image", module).allSatisfy(args -> assertThat(map(args)).containsEntry("MODULE", module));
        }
        assertThat(instances().stream().flatMap(name -> list(services.get(name).get("volumes")).stream())
                .map(volume -> volume.split(":")[0])).as("state volumes").doesNotHaveDuplicates()
                .contains("endpoint-state-1", "endpoint-state-2");
        assertThat(instancesOf("image-router-service").stream().map(name -> map(services.get(name).get("depends_on")).keySet()))
                .as("each router waits for its own endpoint-service, not both")
                .containsExactly(Set.of("kafka-1", "kafka-2", "kafka-3", "schema-registry", "endpoint-service-1"),
                        Set.of("kafka-1", "kafka-2", "kafka-3", "schema-registry", "endpoint-service-2"));
    }

    @Test
    void everyImageIsPinnedThroughDotEnv() {
        services.forEach((name, service) -> {
            String image = interpolate((String) service.get("image"));
            assertThat(image).as("image of %s", name).doesNotContain("${").contains(":");
            String tag = image.substring(image.lastIndexOf(':') + 1);
            assertThat(tag).as("tag of %s (%s)", name, image).isNotBlank().isNotEqualToIgnoringCase("latest");
        });
        dotEnv.forEach((key, value) -> assertThat(value).as(key).doesNotEndWith(":latest"));
        assertThat(dotEnv.get("KAFKA_IMAGE")).startsWith("apache/kafka:");
        // Service images are built FROM a pinned JRE too.
        services.values().stream().map(s -> map(s.get("build"))).filter(b -> !b.isEmpty())
                .forEach(build -> assertThat(interpolate(String.valueOf(map(build.get("args")).get("JRE_IMAGE"))))
                        .matches("[\\w./-]+:[\\w.-]+").doesNotEndWith(":latest"));
    }

    @Test
    void hostPortsAreUnique() {
        List<String> hostPorts = new ArrayList<>();
        services.values().forEach(service -> list(service.get("ports"))
                .forEach(port -> hostPorts.add(interpolate(String.valueOf(port)).split(":")[0])));
        assertThat(hostPorts).doesNotHaveDuplicates().contains("9092", "9093", "9094", "8081", "8080", "8090", "8091", "8092", "9292")
                .contains("8190", "8191", "8192", "9392", "8093", "8193");
    }

    @Test
    void prometheusScrapesEveryInstanceOnItsPort() throws IOException {
        Map<String, Object> config = new Yaml(new LoaderOptions()).load(Files.readString(root.resolve("deploy/prometheus/prometheus.yml")));
        Map<String, List<String>> targetsByJob = new LinkedHashMap<>();
        nodes(config.get("scrape_configs")).forEach(job -> targetsByJob.put(String.valueOf(map(job).get("job_name")),
                nodes(map(job).get("static_configs")).stream().flatMap(c -> list(map(c).get("targets")).stream()).toList()));
        for (String module : SERVICES) {
            List<String> expected = instancesOf(module).stream()
                    .map(name -> name + ":" + environment(services.get(name)).get("SERVER_PORT")).toList();
            assertThat(targetsByJob.get("imagelib-" + module)).as("job imagelib-%s", module).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void dependenciesExistAndAreHealthchecked() {
        services.forEach((name, service) -> map(service.get("depends_on")).forEach((target, condition) -> {
            assertThat(services).as("%s depends on %s", name, target).containsKey(target);
            assertThat(map(condition)).as("%s -> %s", name, target).containsEntry("condition", "service_healthy");
            assertThat(map(services.get(target).get("healthcheck"))).as("healthcheck of %s", target).containsKey("test");
        }));
        for (String service : instances()) {
            assertThat(map(services.get(service).get("depends_on"))).as(service)
                    .containsKeys("kafka-1", "kafka-2", "kafka-3", "schema-registry");
        }
    }

    @Test
    void servicesAreReadyWhenTheirReadinessGroupIsUpOnTheirOwnPort() {
        for (String name : instances()) {
            Map<String, Object> service = services.get(name);
            String module = name.substring(0, name.lastIndexOf('-'));
            String port = String.valueOf(environment(service).get("SERVER_PORT"));
            assertThat(list(service.get("ports"))).as(name).contains(port + ":" + port);
            assertThat(String.join(" ", list(map(service.get("healthcheck")).get("test"))))
                    .as(name).contains("http://localhost:" + port + "/actuator/health/readiness");
            assertThat(map(service.get("build"))).as(name).containsEntry("dockerfile", "deploy/compose/Dockerfile");
            assertThat(map(map(service.get("build")).get("args"))).as(name).containsEntry("MODULE", module);
            // The root file system is read-only: the only writable place the image prepares is its state directory.
            assertThat(list(service.get("volumes"))).as(name).allMatch(volume -> volume.endsWith(":/var/lib/imagelib/state"));
        }
    }

    @Test
    void theServiceImageRunsTheModulesBootJarAsAnUnprivilegedUser() throws IOException {
        String dockerfile = Files.readString(root.resolve("deploy/compose/Dockerfile"));
        assertThat(dockerfile).contains("FROM ${JRE_IMAGE}", "COPY ${MODULE}/target/${MODULE}-*.jar /opt/imagelib/app.jar",
                "USER imagelib", "install -d -o imagelib -g imagelib -m 0700 /var/lib/imagelib/state");
    }

    /**
     * The layout and settings the tests measured: deploy's {@link KafkaCluster} with dedicated controllers (brokers
     * 1-3, controllers 101-103), every node with its cluster-wide settings (the image turns KAFKA_A_B into a.b).
     */
    @Test
    void kafkaIsThreeBrokersAndThreeDedicatedControllersSetAsTheLocalCluster() {
        Map<String, String> cluster = KafkaCluster.clusterSettings(3);
        List<String> voters = new ArrayList<>();
        KafkaCluster.Topology.DEDICATED_CONTROLLERS.roles().forEach((id, role) -> {
            String name = role.isBroker() ? "kafka-" + id : "kafka-controller-" + (id - 100);
            Map<String, Object> env = environment(services.get(name));
            assertThat(env).as(name)
                    .containsEntry("KAFKA_NODE_ID", id)
                    .containsEntry("KAFKA_PROCESS_ROLES", role.processRoles())
                    .containsEntry("CLUSTER_ID", "${KAFKA_CLUSTER_ID}");
            cluster.forEach((key, value) -> assertThat(String.valueOf(env.get("KAFKA_" + key.toUpperCase(Locale.ROOT).replace('.', '_'))))
                    .as("%s: %s", name, key).isEqualTo(value));
            if (role.isBroker()) {
                assertThat((String) env.get("KAFKA_LISTENERS")).as(name).isEqualTo("INTERNAL://:19092,EXTERNAL://:9092");
                assertThat((String) env.get("KAFKA_ADVERTISED_LISTENERS")).contains("INTERNAL://kafka-" + id + ":19092");
                assertThat(map(services.get(name).get("depends_on"))).as(name)
                        .containsKeys("kafka-controller-1", "kafka-controller-2", "kafka-controller-3");
            } else {
                assertThat((String) env.get("KAFKA_LISTENERS")).as(name).isEqualTo("CONTROLLER://:29093");
                assertThat((String) env.get("KAFKA_HEAP_OPTS")).as("a controller's small heap").contains("-Xmx256m");
                assertThat(services.get(name)).as("a controller is not published on the host").doesNotContainKey("ports");
                voters.add(id + "@" + name + ":29093");
            }
        });
        List<String> kafkaNodes = services.keySet().stream().filter(name -> name.matches("kafka-(controller-)?\\d+")).toList();
        assertThat(kafkaNodes).as("the Kafka nodes").hasSize(KafkaCluster.Topology.DEDICATED_CONTROLLERS.roles().size());
        kafkaNodes.forEach(name -> assertThat(environment(services.get(name))).as(name)
                .containsEntry("KAFKA_CONTROLLER_QUORUM_VOTERS", String.join(",", voters)));
        assertThat(dotEnv.get("KAFKA_CLUSTER_ID")).matches("[A-Za-z0-9_-]{22}");
        for (String name : instances()) {
            assertThat(environment(services.get(name))).as(name)
                    .containsEntry("SPRING_KAFKA_BOOTSTRAP_SERVERS", "kafka-1:19092,kafka-2:19092,kafka-3:19092");
        }
    }

    @Test
    void kafkaUiDecodesEveryCatalogueTopicThroughTheRegistryTheServicesUse() throws IOException {
        Map<String, Object> ui = services.get("kafka-ui");
        assertThat(list(ui.get("volumes"))).contains("../kafka-ui/config.yml:/etc/kafkaui/config.yml:ro");
        assertThat(environment(ui)).containsEntry("SPRING_CONFIG_ADDITIONAL_LOCATION", "/etc/kafkaui/config.yml");
        String registry = String.valueOf(environment(services.get("role-service-1")).get("IMAGELIB_KAFKA_SCHEMA_REGISTRY_URL"));
        assertThat(environment(ui)).containsEntry("KAFKA_UI_SCHEMA_REGISTRY_URL", registry);

        Map<String, Object> config = new Yaml(new LoaderOptions()).load(Files.readString(root.resolve("deploy/kafka-ui/config.yml")));
        Map<String, Object> cluster = map(nodes(map(config.get("kafka")).get("clusters")).getFirst());
        assertThat(cluster).containsEntry("defaultKeySerde", "String")
                .containsEntry("schemaRegistry", "${KAFKA_UI_SCHEMA_REGISTRY_URL:http://127.0.0.1:8081/apis/ccompat/v7}")
                .containsEntry("bootstrapServers", "${KAFKA_UI_BOOTSTRAP_SERVERS:127.0.0.1:9092}");
        Map<String, Object> serde = map(nodes(cluster.get("serde")).getFirst());
        assertThat(serde).containsEntry("name", "SchemaRegistry");
        Pattern values = Pattern.compile((String) serde.get("topicValuesPattern"));
        for (TopicSpec<String, ?> topic : Topics.ALL) {
            assertThat(values.matcher(topic.name()).matches()).as(topic.name()).isTrue();
            assertThat(values.matcher(topic.name() + "-dlt").matches()).as("poison in %s-dlt is not Avro", topic.name()).isFalse();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyEnvironmentVariableBindsToAPropertyTheServiceReads() {
        return SERVICES.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            assumeTrue(Files.isDirectory(root.resolve(name).resolve("src/main/java")),
                    name + " is not in this tree yet (merged from its branch)");
            SpringPropertyCatalog catalog = SpringPropertyCatalog.of(root, name);
            assertAll(instancesOf(name).stream().flatMap(instance -> environment(services.get(instance)).keySet().stream()
                    .map(variable -> () -> assertThat(catalog.problemWith(variable)).as(instance + ": " + variable).isEmpty())));
        }));
    }

    @Test
    void theBindingCheckFollowsTheSourceSoARenamedPropertyFails(@TempDir Path tree) throws IOException {
        Path config = tree.resolve("demo/src/main/java/io/imagelib/demo/DemoProperties.java");
        Files.createDirectories(config.getParent());
        Files.createDirectories(tree.resolve("demo/src/main/resources"));
        Files.writeString(tree.resolve("demo/src/main/resources/application.yml"), """
                imagelib:
                  demo:
                    password: ${DEMO_PASSWORD:}
                """);
        String properties = """
                @ConfigurationProperties("imagelib.catalog-demo")
                public record DemoProperties(@DefaultValue("http://127.0.0.1:5000") URI keystoneUrl,
                                             @DefaultValue Backoff backoff, Map<String, String> headers) {
                    public record Backoff(@DefaultValue("200ms") Duration initial, @DefaultValue("2.0") double multiplier) {}
                }
                """;
        Files.writeString(config, properties);
        SpringPropertyCatalog before = SpringPropertyCatalog.of(tree, "demo");
        assertThat(before.problemWith("IMAGELIB_CATALOGDEMO_KEYSTONEURL")).isEmpty();
        assertThat(before.problemWith("IMAGELIB_CATALOGDEMO_BACKOFF_INITIAL")).isEmpty();
        assertThat(before.problemWith("IMAGELIB_CATALOGDEMO_HEADERS_X_TRACE")).isEmpty();
        assertThat(before.problemWith("DEMO_PASSWORD")).isEmpty();
        assertThat(before.problemWith("SPRING_KAFKA_PROPERTIES_SECURITY_PROTOCOL")).isEmpty();
        assertThat(before.problemWith("IMAGELIB_CATALOG_DEMO_KEYSTONE_URL")).isEmpty();
        // What the binder does not do: mix a dropped dash with a dash turned into "_"; a typo.
        assertThat(before.problemWith("IMAGELIB_CATALOGDEMO_KEYSTONE_URL")).isPresent();
        assertThat(before.problemWith("IMAGELIB_CATALOGDEMO_BACKOFF_MULTIPLYER")).isPresent();
        assertThat(before.problemWith("SPRING_KAFKA_BOOTSTRAP_SERVER")).isPresent();

        Files.writeString(config, properties.replace("URI keystoneUrl", "URI identityUrl"));
        SpringPropertyCatalog after = SpringPropertyCatalog.of(tree, "demo");
        assertThat(after.problemWith("IMAGELIB_CATALOGDEMO_KEYSTONEURL")).isPresent();
        assertThat(after.problemWith("IMAGELIB_CATALOGDEMO_IDENTITYURL")).isEmpty();
    }

    @Test
    void serviceSupportPropertiesBindFromTheirRelaxedNames() {
        SpringPropertyCatalog support = SpringPropertyCatalog.of(root, "service-support");
        assertThat(support.problemWith("IMAGELIB_KAFKA_SCHEMA_REGISTRY_URL")).isEmpty();
        assertThat(support.problemWith("IMAGELIB_KAFKA_SCHEMAREGISTRYURL")).isEmpty();
        assertThat(support.problemWith("IMAGELIB_SECURITY_TOKENS_FILE")).isEmpty();
        assertThat(support.problemWith("IMAGELIB_SECURITY_TOKENS_0_TOKEN")).isEmpty();
        assertThat(support.problemWith("IMAGELIB_WEB_MAX_REQUEST_BODY")).isEmpty();
        assertThat(support.problemWith("IMAGELIB_KAFKA_SCHEMA_REGISTRY")).isPresent();
        assertThat(support.problemWith("IMAGELIB_SECURITY_TOKEN_FILE")).isPresent();
    }

    /** Compose names of a module's instances: {@code <module>-1 .. <module>-INSTANCES}. */
    static List<String> instancesOf(String module) {
        return IntStream.rangeClosed(1, INSTANCES).mapToObj(n -> module + "-" + n).toList();
    }

    static List<String> instances() {
        return SERVICES.stream().flatMap(module -> instancesOf(module).stream()).toList();
    }

    static Map<String, Object> environment(Map<String, Object> service) {
        return map(service.get("environment"));
    }

    /** Compose interpolation of ${VAR}, ${VAR:-default} and ${VAR:?error} from .env (a required variable stays visible). */
    static String interpolate(String value) {
        if (value == null) {
            return "";
        }
        Matcher m = VARIABLE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String resolved = dotEnv.get(m.group(1));
            if (resolved == null && m.group(2) != null && m.group(2).endsWith("-")) {
                resolved = m.group(3);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(resolved == null ? m.group() : resolved));
        }
        return m.appendTail(out).toString();
    }

    static Map<String, String> readDotEnv(Path file) throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            String trimmed = line.strip();
            if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                int equals = trimmed.indexOf('=');
                values.put(trimmed.substring(0, equals), trimmed.substring(equals + 1));
            }
        }
        return values;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node) {
        return node instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    static List<String> list(Object node) {
        return node instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
    }

    static List<?> nodes(Object node) {
        return node instanceof List<?> l ? l : List.of();
    }
}
