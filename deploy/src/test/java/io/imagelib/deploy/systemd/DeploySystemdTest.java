package io.imagelib.deploy.systemd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.imagelib.deploy.compose.RepoRoot;
import io.imagelib.deploy.compose.SpringPropertyCatalog;
import io.imagelib.deploy.local.KafkaCluster;
import io.imagelib.deploy.local.KafkaNode;
import io.imagelib.deploy.local.ServiceModule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/systemd: the unit files carry the keys ops rely on (environment file, journald, bounded restarts,
 * hardening), every variable of the example environment files binds to a property the service reads, and
 * install.sh is idempotent, keeps operators' environment files and changes nothing with --dry-run.
 */
class DeploySystemdTest {

    private static final List<String> SERVICES = Arrays.stream(ServiceModule.values()).map(ServiceModule::module).toList();
    /** {@code NAME=value}, commented {@code #NAME=value}, or a unit's {@code Environment=NAME=value}. */
    private static final Pattern ASSIGNMENT = Pattern.compile("^(?:#|Environment=)?([A-Z][A-Z0-9_]*)=", Pattern.MULTILINE);

    private final Path root = RepoRoot.find();
    private final Path systemd = root.resolve("deploy/systemd");

    @Test
    void theServiceTemplateReadsItsEnvironmentFileLogsToTheJournalAndRestartsWithinLimits() throws IOException {
        Map<String, List<String>> unit = parse(systemd.resolve("imagelib@.service"));
        // The environment file comes with each instance's drop-in (installedInstancesHaveTheirOwnPortIdAndState).
        assertThat(unit.get("Service.ExecStart")).singleElement().asString().endsWith(
                "-jar /opt/imagelib/${IMAGELIB_SERVICE}/${IMAGELIB_SERVICE}.jar --server.port=${IMAGELIB_PORT}"
                        + " --imagelib.kafka.instance-id=%H-%i");
        assertThat(unit.get("Service.StandardOutput")).containsExactly("journal");
        assertThat(unit.get("Service.StandardError")).containsExactly("journal");
        assertThat(unit.get("Service.Restart")).containsExactly("on-failure");
        assertThat(unit.get("Unit.StartLimitBurst")).containsExactly("5");
        assertThat(unit.get("Unit.StartLimitIntervalSec")).containsExactly("300");
        assertThat(unit.get("Service.SuccessExitStatus")).containsExactly("143");
        assertThat(unit.get("Install.WantedBy")).containsExactly("imagelib.target");
    }

    @Test
    void theRegistryKeepsItsSchemasInAFileUnderItsStateDirectoryWrittenBeforeEachAnswer() throws IOException {
        Map<String, List<String>> unit = parse(systemd.resolve("imagelib-registry.service"));
        String stateDirectory = first(unit, "Service.StateDirectory");
        assertThat(unit.get("Service.ExecStart")).singleElement().asString()
                .contains("\"-DREGISTRY_DATASOURCE_URL=jdbc:h2:async:%S/" + stateDirectory + "/data/registry;WRITE_DELAY=0;LOCK_TIMEOUT=10000\"");
    }

    @Test
    void everyUnitIsHardened() throws IOException {
        for (String file : List.of("imagelib@.service", "imagelib-kafka@.service", "imagelib-registry.service")) {
            Map<String, List<String>> unit = parse(systemd.resolve(file));
            assertThat(unit).as(file).containsEntry("Service.NoNewPrivileges", List.of("yes"))
                    .containsEntry("Service.ProtectSystem", List.of("strict"))
                    .containsEntry("Service.ProtectHome", List.of("yes"))
                    .containsEntry("Service.PrivateTmp", List.of("yes"))
                    .containsEntry("Service.CapabilityBoundingSet", List.of(""))
                    .containsEntry("Service.Restart", List.of("on-failure"))
                    .containsKey("Service.StateDirectory");
            boolean ownUser = "yes".equals(first(unit, "Service.DynamicUser")) || unit.containsKey("Service.User");
            assertThat(ownUser).as("%s runs as DynamicUser or a dedicated user, never root", file).isTrue();
        }
    }

    @Test
    void theTargetStartsEveryServiceAndTokensComeAsCredentials() throws IOException {
        String wants = String.join(" ", parse(systemd.resolve("imagelib.target")).get("Unit.Wants"));
        for (String service : SERVICES) {
            assertThat(wants).contains("imagelib@" + service + "-1.service", "imagelib@" + service + "-2.service");
            assertThat(systemd.resolve("env/" + service + ".env")).isRegularFile();
        }
        for (String service : List.of("role-service", "endpoint-service")) {
            Map<String, List<String>> dropin = parse(systemd.resolve("dropins/imagelib@" + service + ".service.d/tokens.conf"));
            assertThat(dropin.get("Service.LoadCredential")).containsExactly("tokens:/etc/imagelib/tokens");
            assertThat(dropin.get("Service.Environment")).containsExactly("IMAGELIB_SECURITY_TOKENS_FILE=%d/tokens");
        }
    }

    @TestFactory
    Stream<DynamicTest> everyVariableOfTheEnvironmentFilesBindsToAPropertyTheServiceReads() {
        return SERVICES.stream().map(service -> DynamicTest.dynamicTest(service, () -> {
            assumeTrue(Files.isDirectory(root.resolve(service).resolve("src/main/java")),
                    service + " is not in this tree yet (merged from its branch)");
            SpringPropertyCatalog catalog = SpringPropertyCatalog.of(root, service);
            List<String> variables = new ArrayList<>();
            for (Path file : List.of(systemd.resolve("env/" + service + ".env"),
                    systemd.resolve("dropins/imagelib@" + service + ".service.d/tokens.conf"))) {
                Matcher m = ASSIGNMENT.matcher(Files.isRegularFile(file) ? Files.readString(file) : "");
                while (m.find()) {
                    variables.add(m.group(1));
                }
            }
            assertThat(variables).filteredOn(v -> catalog.problemWith(v).isPresent())
                    .as("variables of %s.env that bind to nothing", service).isEmpty();
        }));
    }

    @Test
    void installIsIdempotentKeepsOperatorSettingsAndDryRunChangesNothing(@TempDir Path dest) throws Exception {
        Path dryDest = Files.createDirectories(dest.resolve("dry"));
        String dry = install("--dry-run", "--destdir", dryDest.toString());
        assertThat(dry).contains("would install /etc/systemd/system/imagelib@.service");
        try (Stream<Path> files = Files.list(dryDest)) {
            assertThat(files).as("--dry-run wrote nothing").isEmpty();
        }

        Path real = dest.resolve("root");
        String first = install("--destdir", real.toString());
        assertThat(first).contains("install /etc/systemd/system/imagelib@.service", "install /etc/imagelib/role-service.env");
        assertThat(real.resolve("etc/systemd/system/imagelib@role-service-1.service.d/tokens.conf")).isRegularFile();
        assertThat(real.resolve("etc/systemd/system/imagelib@role-service-2.service.d/tokens.conf")).isRegularFile();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(real.resolve("etc/imagelib/catalog-sync.env"))))
                .as("environment files may hold secrets").isEqualTo("rw-r-----");

        Path operatorEdited = real.resolve("etc/imagelib/role-service.env");
        Files.writeString(operatorEdited, "SERVER_PORT=18090\n");
        Files.writeString(real.resolve("etc/systemd/system/imagelib.target"), "stale");
        String second = install("--destdir", real.toString());
        assertThat(second).contains("kept /etc/imagelib/role-service.env (exists)", "install /etc/systemd/system/imagelib.target")
                .doesNotContain("install /etc/systemd/system/imagelib@.service");
        assertThat(Files.readString(operatorEdited)).isEqualTo("SERVER_PORT=18090\n");
        assertThat(install("--destdir", real.toString())).contains("nothing to change");
    }

    @Test
    void installedInstancesHaveTheirOwnPortIdAndState(@TempDir Path dest) throws Exception {
        install("--destdir", dest.toString());
        Map<String, String> portByInstance = new LinkedHashMap<>();
        for (String service : SERVICES) {
            for (int n = 1; n <= 2; n++) {
                String instance = service + "-" + n;
                Map<String, List<String>> dropin = parse(dest.resolve(
                        "etc/systemd/system/imagelib@" + instance + ".service.d/10-instance.conf"));
                assertThat(dropin.get("Service.EnvironmentFile")).as(instance).containsExactly("/etc/imagelib/" + service + ".env");
                String environment = String.join(" ", dropin.get("Service.Environment"));
                assertThat(environment).as(instance).contains("IMAGELIB_SERVICE=" + service);
                Matcher port = Pattern.compile("IMAGELIB_PORT=(\\d+)").matcher(environment);
                assertThat(port.find()).as(instance).isTrue();
                portByInstance.put(instance, port.group(1));
            }
        }
        assertThat(portByInstance.values()).as("ports of %s", portByInstance).doesNotHaveDuplicates()
                .contains("8090", "8091", "8092", "9292", "8093", "8190", "9392");
        // Instance id (%H-%i) and state directory (imagelib/%i) follow the instance name, so they differ as names do.
        Map<String, List<String>> unit = parse(systemd.resolve("imagelib@.service"));
        assertThat(unit.get("Service.StateDirectory")).containsExactly("imagelib/%i");
        assertThat(unit.get("Service.WorkingDirectory")).containsExactly("%S/imagelib/%i");
        assertThat(Files.readString(systemd.resolve("env/endpoint-service.env")))
                .as("a relative Streams state dir lands in each instance's working directory")
                .contains("IMAGELIB_ENDPOINT_STREAMS_STATE_DIR=streams-state\n");
    }

    /**
     * Three controllers and three brokers, as deploy's local KafkaCluster runs them with dedicated controllers and
     * compose does: each role's example configuration has its roles and listeners and the cluster-wide settings the
     * tests measured, the controller runs in a small heap, and install.sh keeps an operator's configuration.
     */
    @Test
    void kafkaRunsAsControllersAndBrokersSetAsTheLocalCluster(@TempDir Path dest) throws Exception {
        for (KafkaNode.Role role : List.of(KafkaNode.Role.BROKER, KafkaNode.Role.CONTROLLER)) {
            String name = role.name().toLowerCase(Locale.ROOT);
            Properties config = new Properties();
            try (var in = Files.newBufferedReader(systemd.resolve("kafka/" + name + ".properties"))) {
                config.load(in);
            }
            assertThat(config).as(name).containsEntry("process.roles", role.processRoles())
                    .containsAllEntriesOf(KafkaCluster.clusterSettings(3));
            assertThat(config.getProperty("listeners")).as(name).isEqualTo(role.isBroker() ? "PLAINTEXT://:9092" : "CONTROLLER://:9093");
            assertThat(config.getProperty("controller.quorum.bootstrap.servers").split(",")).as(name).hasSize(3);
        }
        assertThat(parse(systemd.resolve("imagelib-kafka@.service")).get("Service.ExecStart")).singleElement().asString()
                .endsWith("kafka-server-start.sh /etc/imagelib/kafka/%i.properties");
        assertThat(parse(systemd.resolve("dropins/imagelib-kafka@controller.service.d/heap.conf")).get("Service.Environment"))
                .singleElement().asString().startsWith("KAFKA_HEAP_OPTS=-Xmx256m");

        install("--destdir", dest.toString());
        assertThat(dest.resolve("etc/systemd/system/imagelib-kafka@controller.service.d/heap.conf")).isRegularFile();
        Path broker = dest.resolve("etc/imagelib/kafka/broker.properties");
        assertThat(broker).hasSameTextualContentAs(systemd.resolve("kafka/broker.properties"));
        Files.writeString(broker, "node.id=2\n");
        assertThat(install("--destdir", dest.toString())).contains("kept /etc/imagelib/kafka/broker.properties (exists)");
        assertThat(broker).hasContent("node.id=2");
    }

    @Test
    void systemdAnalyzeAcceptsTheUnits(@TempDir Path dir) throws Exception {
        assumeTrue(Stream.of("/usr/bin/systemd-analyze", "/bin/systemd-analyze").anyMatch(p -> Files.isExecutable(Path.of(p))),
                "systemd-analyze is not installed");
        // verify wants instance names; the template stands in for one instance.
        Files.copy(systemd.resolve("imagelib@.service"), dir.resolve("imagelib@role-service-1.service"));
        Files.copy(systemd.resolve("imagelib-kafka@.service"), dir.resolve("imagelib-kafka@controller.service"));
        Files.copy(systemd.resolve("imagelib-registry.service"), dir.resolve("imagelib-registry.service"));
        Process process = new ProcessBuilder("systemd-analyze", "verify", "imagelib@role-service-1.service",
                "imagelib-kafka@controller.service", "imagelib-registry.service").directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        // A build machine has no /opt/kafka; anything else (unknown key, bad value, bad specifier) is ours to fix.
        List<String> problems = output.lines()
                .filter(line -> line.startsWith("imagelib"))
                .filter(line -> !line.matches(".*Command /opt/\\S+ is not executable: No such file or directory"))
                .toList();
        assertThat(problems).as(output).isEmpty();
    }

    private String install(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", systemd.resolve("install.sh").toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    /** "Section.Key" to its values in order (a key may repeat; an empty assignment is kept as ""). */
    static Map<String, List<String>> parse(Path unitFile) throws IOException {
        Map<String, List<String>> keys = new LinkedHashMap<>();
        String section = "";
        for (String raw : Files.readAllLines(unitFile)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                section = line.substring(1, line.length() - 1);
                continue;
            }
            int equals = line.indexOf('=');
            assertThat(equals).as("%s: %s", unitFile.getFileName(), line).isPositive();
            keys.computeIfAbsent(section + "." + line.substring(0, equals), k -> new ArrayList<>()).add(line.substring(equals + 1));
        }
        return keys;
    }

    private static String first(Map<String, List<String>> unit, String key) {
        List<String> values = unit.get(key);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }
}
