package io.imagelib.ilctl.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.imagelib.deploy.local.ServiceModule;
import io.imagelib.ilctl.IlctlRun;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every metric the alert rules select is exported by a service as a user runs it: {@code ilctl up} (real Kafka and
 * registry, the four service jars, simulated Glance hosts) plus the catalog-sync jar against a Keystone that is not
 * there, each scraped on {@code /actuator/prometheus}. Many meters exist only once their event happened, so the test
 * makes the events the alerts are about: a poison record and a record with a schema id the registry does not know on
 * {@code imagelib.host-health}, and a failing Keystone. A rule metric no service exports is named with its alerts.
 *
 * <p>Here and not in a service module: the check needs every service at once, and only the modules after them in the
 * reactor (ilctl-cli, system-tests) can start all their jars without a dependency cycle.
 */
class AlertMetricsIT {

    private static final int PORT_OFFSET = 20000;
    private static final Path DIR = Path.of("target", "it-alert-metrics").toAbsolutePath();
    private static final StackConfig CONFIG = new StackConfig(PORT_OFFSET, 2, "RegionOne", StackConfig.GlanceMode.simulated);
    private static final StackUnderTest STACK = new StackUnderTest(DIR, CONFIG);
    private static final int CATALOG_SYNC_PORT = PORT_OFFSET + 8093;
    // Includes catalog-sync's start, launched last: 3 minutes at load 35 on 2 cores.
    private static final Duration EVENTS_SETTLE = Duration.ofMinutes(6);

    private static Process catalogSync;

    @BeforeAll
    static void upTheStackAndCatalogSync() throws IOException {
        Project project = Project.locate();
        for (ServiceModule service : ServiceModule.values()) {
            assumeThat(project.hasModule(service.module())).as(service.module() + " is not in this checkout").isTrue();
        }
        Path catalogSyncJar = project.jar("catalog-sync").orElse(null);
        assumeThat(catalogSyncJar).as("catalog-sync/target/catalog-sync-*.jar (./mvnw package)").isNotNull();
        StackUnderTest.deleteRecursively(DIR);
        IlctlRun up = IlctlRun.of(STACK.args("up", "--hosts", "2", "--simulated"));
        System.out.println(up.out());
        assertThat(up.exitCode()).as(up.err()).isZero();

        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "-jar", catalogSyncJar.toString())
                .redirectErrorStream(true).redirectOutput(DIR.resolve("catalog-sync.log").toFile());
        builder.environment().putAll(Map.of(
                "SERVER_PORT", Integer.toString(CATALOG_SYNC_PORT),
                "SPRING_KAFKA_BOOTSTRAP_SERVERS", CONFIG.bootstrapServers(),
                "IMAGELIB_KAFKA_SCHEMA_REGISTRY_URL", CONFIG.registryUrl(),
                "IMAGELIB_CATALOGSYNC_KEYSTONEURL", "http://127.0.0.1:" + closedPort(),
                "KEYSTONE_PASSWORD", "alert-metrics-it"));
        catalogSync = builder.start();
    }

    @AfterAll
    static void downEverything() throws InterruptedException {
        if (catalogSync != null) {
            catalogSync.destroy();
            catalogSync.waitFor();
        }
        if (Files.isDirectory(DIR)) {
            IlctlRun.of(STACK.args("down"));
        }
    }

    @Test
    void everyMetricTheAlertRulesSelectIsExportedByAService() throws Exception {
        Map<String, Set<String>> usedBy = AlertMetricNames.usedByAlerts(
                Project.locate().root().resolve("deploy/prometheus/imagelib-alerts.yml"));
        produceToHostHealth("alert-metrics-poison", "not Avro at all".getBytes());
        // Magic byte 0, then schema id 2147483647: a well-formed record the registry cannot resolve.
        produceToHostHealth("alert-metrics-unknown-schema", new byte[] {0, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 2});

        Map<String, Set<String>> exported = new TreeMap<>();
        try {
            Awaitility.await().atMost(EVENTS_SETTLE).pollInterval(Duration.ofSeconds(5))
                    .until(() -> missing(usedBy, scrapeAll(exported)).isEmpty());
        } catch (ConditionTimeoutException e) {
            // reported below, with what is missing and which alert needs it
        }
        Set<String> all = new TreeSet<>();
        exported.values().forEach(all::addAll);
        Map<String, Set<String>> missing = missing(usedBy, all);
        assertThat(missing).as("metrics the alert rules select that no service exports (metric -> alerts): %s;"
                + " scraped %s", missing, exported.keySet()).isEmpty();
    }

    private static Map<String, Set<String>> missing(Map<String, Set<String>> usedBy, Set<String> exported) {
        Map<String, Set<String>> missing = new TreeMap<>(usedBy);
        missing.keySet().removeAll(exported);
        missing.keySet().removeAll(AlertMetricNames.MADE_BY_PROMETHEUS);
        return missing;
    }

    /** Scrapes every service that answers now; fills {@code byService} and returns the union. */
    private static Set<String> scrapeAll(Map<String, Set<String>> byService) {
        Map<String, String> urls = new TreeMap<>();
        for (ServiceModule service : ServiceModule.values()) {
            urls.put(service.module(), CONFIG.serviceUrl(service));
        }
        urls.put("catalog-sync", "http://127.0.0.1:" + CATALOG_SYNC_PORT);
        Set<String> union = new TreeSet<>();
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            urls.forEach((service, url) -> {
                try {
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + "/actuator/prometheus"))
                            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() == 200) {
                        byService.put(service, AlertMetricNames.exported(response.body()));
                    }
                } catch (IOException e) {
                    // not up yet: the next poll tries again
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        byService.values().forEach(union::addAll);
        return union;
    }

    private static void produceToHostHealth(String key, byte[] value) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, CONFIG.bootstrapServers());
        try (var producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("imagelib.host-health", key, value)).get();
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
