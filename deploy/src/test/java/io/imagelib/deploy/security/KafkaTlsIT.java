package io.imagelib.deploy.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imagelib.avro.HealthStatus;
import io.imagelib.avro.HostHealth;
import io.imagelib.deploy.local.KafkaCluster;
import io.imagelib.deploy.local.SecureListeners;
import io.imagelib.schemas.registry.SchemaRegistries;
import io.imagelib.schemas.registry.SchemaRegistry;
import io.imagelib.schemas.serde.ConfluentAvroDeserializer;
import io.imagelib.schemas.serde.ConfluentAvroSerializer;
import io.imagelib.schemas.topics.TopicProvisioner;
import io.imagelib.schemas.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka client settings of docs/security.md against a real broker with TLS on: an mTLS listener (client
 * certificate required) and a SASL_SSL listener (SCRAM-SHA-512), certificates made by keytool in this test. Our
 * Avro serdes go through both; clients missing the truststore, the certificate or the right password are refused;
 * no password reaches the broker log or the client's logged configuration.
 */
class KafkaTlsIT {

    private static final SchemaRegistry REGISTRY = SchemaRegistries.forUrl("mock://kafka-tls-it");
    private static final String SCRAM_USER = "role-service";

    @TempDir
    static Path dir;

    static TestCertificates certs;
    static SecureListeners listeners;
    static KafkaCluster kafka;
    static String scramPassword;

    @BeforeAll
    static void startBrokerWithTls() throws Exception {
        long started = System.nanoTime();
        certs = TestCertificates.create(Files.createDirectories(dir.resolve("pki")));
        long certsMade = System.nanoTime();
        kafka = startWithFreshPorts();
        listeners = kafka.secureListeners().orElseThrow();
        scramPassword = "scram-" + certs.clientPassword();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            new TopicProvisioner(admin).provision(List.of(Topics.HOST_HEALTH));
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(SCRAM_USER,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), scramPassword))).all().get(30, TimeUnit.SECONDS);
        }
        System.out.printf("keytool PKI in %d ms, TLS broker ready in %d ms%n",
                (certsMade - started) / 1_000_000, (System.nanoTime() - certsMade) / 1_000_000);
    }

    /**
     * Ports are picked free but bound only after formatting, which takes tens of seconds on a loaded machine;
     * another process may take one meanwhile. Then a new directory gets new ports.
     */
    private static KafkaCluster startWithFreshPorts() {
        for (int attempt = 1; ; attempt++) {
            try {
                return KafkaCluster.singleNode(dir.resolve("kafka-" + attempt))
                        .withSecureListeners(certs.brokerKeystore(), certs.brokerPassword(), certs.truststore(), certs.truststorePassword())
                        .start();
            } catch (IllegalStateException e) {
                if (attempt == 3 || !String.valueOf(e.getMessage()).contains("Address already in use")) {
                    throw e;
                }
                System.out.println("port taken meanwhile, new ports: " + e.getMessage().lines().findFirst().orElse(""));
            }
        }
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.stop();
        }
    }

    @Test
    void anMtlsClientProducesAndConsumesThroughOurSerdes() throws Exception {
        HostHealth read = roundTrip(mtls(), "h-mtls");
        assertThat(read.getHostId()).isEqualTo("h-mtls");
        assertThat(read.getStatus()).isEqualTo(HealthStatus.UP);
    }

    @Test
    void aSaslSslScramClientProducesAndConsumesThroughOurSerdes() throws Exception {
        HostHealth read = roundTrip(saslSsl(scramPassword), "h-scram");
        assertThat(read.getHostId()).isEqualTo("h-scram");
    }

    @Test
    void aClientWithoutOurTruststoreDoesNotTrustTheBroker() {
        Map<String, Object> noTruststore = new HashMap<>(mtls());
        noTruststore.keySet().removeIf(key -> key.startsWith("ssl.truststore."));
        assertRefused(noTruststore, SslAuthenticationException.class);
    }

    @Test
    void anMtlsClientWithoutACertificateIsRefused() {
        Map<String, Object> noKeystore = new HashMap<>(mtls());
        noKeystore.keySet().removeIf(key -> key.startsWith("ssl.keystore."));
        assertRefused(noKeystore, SslAuthenticationException.class);
    }

    @Test
    void aScramClientWithAWrongPasswordIsRefused() {
        assertRefused(saslSsl("not-" + scramPassword), SaslAuthenticationException.class);
    }

    @Test
    void passwordsAreNeitherInTheBrokerLogNorInTheClientsLoggedConfig() throws Exception {
        String brokerLog = Files.readString(kafka.node(1).logFile());
        assertThat(brokerLog).as("the log of this broker, which printed its configuration").contains("MTLS://" + listeners.mtlsBootstrap());
        for (String secret : List.of(certs.brokerPassword(), certs.truststorePassword(), certs.clientPassword(), scramPassword)) {
            assertThat(brokerLog).doesNotContain(secret);
        }
        // What a client logs at start ("ProducerConfig values: ...") is this map: Password values print as [hidden].
        Map<String, Object> config = new HashMap<>(saslSsl(scramPassword));
        config.putAll(mtls());
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, listeners.mtlsBootstrap());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ConfluentAvroSerializer.class);
        String logged = new ProducerConfig(config).values().toString();
        assertThat(logged).contains("ssl.keystore.password=[hidden]", "sasl.jaas.config=[hidden]", "ssl.truststore.password=[hidden]");
        assertThat(logged).doesNotContain(certs.clientPassword(), certs.truststorePassword(), scramPassword);
    }

    private Map<String, Object> mtls() {
        Map<String, Object> config = trustingOurCa(listeners.mtlsBootstrap(), "SSL");
        config.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PKCS12");
        config.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, certs.clientKeystore().toString());
        config.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, certs.clientPassword());
        return config;
    }

    private Map<String, Object> saslSsl(String password) {
        Map<String, Object> config = trustingOurCa(listeners.saslSslBootstrap(), "SASL_SSL");
        config.put(SaslConfigs.SASL_MECHANISM, SecureListeners.SCRAM_MECHANISM);
        config.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + SCRAM_USER + "\" password=\"" + password + "\";");
        return config;
    }

    private static Map<String, Object> trustingOurCa(String bootstrap, String protocol) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, protocol);
        config.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
        config.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, certs.truststore().toString());
        config.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, certs.truststorePassword());
        return config;
    }

    private static HostHealth roundTrip(Map<String, Object> security, String hostId) throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        HostHealth health = HostHealth.newBuilder().setRegion("RegionOne").setHostId(hostId).setStatus(HealthStatus.UP)
                .setSince(now).setObservedAt(now).build();
        Map<String, Object> producerConfig = new HashMap<>(security);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        RecordMetadata written;
        try (var producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new ConfluentAvroSerializer<HostHealth>(REGISTRY))) {
            written = producer.send(new ProducerRecord<>(Topics.HOST_HEALTH.name(), hostId, health)).get(30, TimeUnit.SECONDS);
        }
        Map<String, Object> consumerConfig = new HashMap<>(security);
        try (var consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(),
                new ConfluentAvroDeserializer<>(REGISTRY, HostHealth.class))) {
            TopicPartition partition = new TopicPartition(Topics.HOST_HEALTH.name(), written.partition());
            consumer.assign(List.of(partition));
            consumer.seek(partition, written.offset());
            List<ConsumerRecord<String, HostHealth>> read = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (read.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(read::add);
            }
            assertThat(read).as("record written at %s", written).singleElement().satisfies(r -> assertThat(r.key()).isEqualTo(hostId));
            return read.getFirst().value();
        }
    }

    private static void assertRefused(Map<String, Object> security, Class<? extends Exception> expected) {
        Map<String, Object> config = new HashMap<>(security);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (Admin admin = Admin.create(config)) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get(20, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(expected);
        }
    }
}
