package io.imagelib.deploy.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * One KRaft node (combined broker and controller) running as a child JVM from the jars of a
 * {@link KafkaDistribution}. Its directory holds server.properties, log4j2.properties, kafka.log, kafka.pid and
 * the log dir {@code data/}.
 */
public final class KafkaNode {

    private static final Duration FORMAT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(200);

    /** Where one node listens; the broker port is what clients use. */
    public record Spec(int nodeId, int port, int controllerPort) {
        public String bootstrapServer() {
            return "127.0.0.1:" + port;
        }

        public String controllerAddress() {
            return "127.0.0.1:" + controllerPort;
        }
    }

    private final Spec spec;
    private final Path dir;
    private final KafkaDistribution distribution;

    KafkaNode(Spec spec, Path dir, KafkaDistribution distribution) {
        this.spec = spec;
        this.dir = dir.toAbsolutePath().normalize();
        this.distribution = distribution;
    }

    public int nodeId() {
        return spec.nodeId();
    }

    public Spec spec() {
        return spec;
    }

    public String bootstrapServer() {
        return spec.bootstrapServer();
    }

    public Path logFile() {
        return dir.resolve("kafka.log");
    }

    public Path serverProperties() {
        return dir.resolve("server.properties");
    }

    Path dataDir() {
        return dir.resolve("data");
    }

    private Path pidFile() {
        return dir.resolve("kafka.pid");
    }

    boolean isFormatted() {
        return Files.isRegularFile(dataDir().resolve("meta.properties"));
    }

    /** The broker's process, marked by its server.properties argument. */
    private StackProcess process() {
        return new StackProcess("Kafka node " + nodeId(), pidFile(), logFile());
    }

    public boolean isRunning() {
        return process().running().isPresent();
    }

    public OptionalLong pid() {
        return process().running().map(h -> OptionalLong.of(h.pid())).orElse(OptionalLong.empty());
    }

    void writeConfig(Map<String, String> serverProperties) {
        StringBuilder text = new StringBuilder("# Written by io.imagelib.deploy.local.KafkaCluster\n");
        serverProperties.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        try {
            Files.createDirectories(dir);
            Files.writeString(serverProperties(), text);
            Files.writeString(dir.resolve("log4j2.properties"), """
                    # Broker log: console appender, redirected by the launcher to kafka.log.
                    status = warn
                    appender.stdout.type = Console
                    appender.stdout.name = STDOUT
                    appender.stdout.layout.type = PatternLayout
                    appender.stdout.layout.pattern = [%d] %p %m (%c)%n
                    rootLogger.level = INFO
                    rootLogger.appenderRef.stdout.ref = STDOUT
                    logger.request.name = kafka.request.logger
                    logger.request.level = WARN
                    logger.state.name = state.change.logger
                    logger.state.level = WARN
                    """);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the configuration of Kafka node " + nodeId() + " into " + dir, e);
        }
    }

    /** {@code kafka-storage format} with the given quorum arguments ({@code --standalone} or {@code --initial-controllers ...}). */
    void format(String clusterId, List<String> quorumArguments) {
        // A run of a few seconds: C1 alone costs less CPU than tiered JIT, which matters with three formats on two cores.
        List<String> args = new ArrayList<>(List.of("-XX:TieredStopAtLevel=1", "-cp", distribution.classpath(), log4jConfig(),
                "kafka.tools.StorageTool", "format", "--cluster-id", clusterId, "--config", serverProperties().toString()));
        args.addAll(quorumArguments);
        Shell.runLogged("kafka-storage format of node " + nodeId(), JavaCommand.of("256m", args),
                dir, dir.resolve("format.log"), FORMAT_TIMEOUT);
    }

    /** Starts the broker unless it already runs; returns at once (see {@link #awaitReady}). */
    void start(Lifetime lifetime) {
        if (isRunning()) {
            return;
        }
        List<String> args = List.of("-cp", distribution.classpath(), log4jConfig(), "kafka.Kafka", serverProperties().toString());
        process().start(JavaCommand.of("512m", args), serverProperties().toString(), Map.of(), dir, lifetime);
    }

    /**
     * Waits until the node answers an admin request and sees {@code expectedBrokers} brokers of cluster
     * {@code clusterId}. The cluster id matters: ports are picked free and then bound by Kafka, so another process can
     * take one in between; a foreign broker answering on our port would otherwise pass for ours (seen when two test
     * stacks started at once, and one's services wrote into the other's cluster).
     */
    void awaitReady(String clusterId, int expectedBrokers, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServer(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        String lastProblem = "no answer yet";
        try (Admin admin = Admin.create(config)) {
            while (true) {
                Optional<ProcessHandle> current = process().running();
                if (current.isEmpty()) {
                    throw new IllegalStateException("Kafka node " + nodeId() + " exited before it answered on "
                            + bootstrapServer() + "; " + ProcessLog.diagnosis(logFile()));
                }
                try {
                    var cluster = admin.describeCluster();
                    String answeringCluster = cluster.clusterId().get(3, TimeUnit.SECONDS);
                    if (!clusterId.equals(answeringCluster)) {
                        throw new IllegalStateException("Port of Kafka node " + nodeId() + " (" + bootstrapServer()
                                + ") is answered by another cluster (" + answeringCluster + ", not " + clusterId
                                + "): the port was taken between picking and binding it; start again");
                    }
                    int brokers = cluster.nodes().get(3, TimeUnit.SECONDS).size();
                    if (brokers >= expectedBrokers) {
                        return;
                    }
                    lastProblem = "sees " + brokers + " of " + expectedBrokers + " brokers";
                } catch (ExecutionException | TimeoutException e) {
                    lastProblem = e.getCause() == null ? e.toString() : e.getCause().toString();
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Kafka node " + nodeId() + " (PID " + current.get().pid() + ") not ready on "
                            + bootstrapServer() + " within " + timeout.toSeconds() + " s (" + lastProblem + "); "
                            + ProcessLog.diagnosis(logFile()));
                }
                Thread.sleep(POLL.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for Kafka node " + nodeId(), e);
        }
    }

    /** SIGTERM (controlled shutdown), then SIGKILL after {@code grace}. No-op when not running. */
    void stop(Duration grace) {
        process().stop(grace);
    }

    /** SIGKILL: simulates a crashed host. */
    void kill() {
        process().kill();
    }

    private String log4jConfig() {
        return "-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties");
    }
}
