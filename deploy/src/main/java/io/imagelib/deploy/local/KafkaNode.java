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
import org.apache.kafka.clients.admin.QuorumInfo;

/**
 * One KRaft node (broker, controller, or both: {@link Role}) running as a child JVM from the jars of a
 * {@link KafkaDistribution}. Its directory holds server.properties, log4j2.properties, kafka.log, kafka.pid and
 * the log dir {@code data/} (a controller's holds only the metadata log).
 */
public final class KafkaNode {

    /** Six formats at once (dedicated controllers) at load 30 on two cores took longer than 60 s. */
    private static final Duration FORMAT_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration POLL = Duration.ofMillis(200);

    /** What a node runs: Kafka's {@code process.roles}. */
    public enum Role {
        COMBINED("broker,controller"), BROKER("broker"), CONTROLLER("controller");

        private final String processRoles;

        Role(String processRoles) {
            this.processRoles = processRoles;
        }

        public String processRoles() {
            return processRoles;
        }

        public boolean isBroker() {
            return this != CONTROLLER;
        }

        public boolean isController() {
            return this != BROKER;
        }
    }

    /**
     * Where one node listens: the broker port is what clients use ({@code 0} on a controller-only node), the
     * controller port what brokers and controllers use for the quorum ({@code 0} on a broker-only node).
     */
    public record Spec(int nodeId, Role role, int port, int controllerPort) {
        /** A combined broker and controller. */
        public Spec(int nodeId, int port, int controllerPort) {
            this(nodeId, Role.COMBINED, port, controllerPort);
        }

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

    public Role role() {
        return spec.role();
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

    /**
     * Starts the node unless it already runs; returns at once (see {@link #awaitReady}). A controller-only node keeps
     * the cluster's metadata only (a few thousand records here) and answers a few heartbeats a second, so it gets half
     * a broker's heap (256 MB), the serial collector (no concurrent GC threads) and C1 only (much less JIT work at
     * start): three more JVMs on a two-core machine should cost as little CPU as they can.
     */
    void start(Lifetime lifetime) {
        if (isRunning()) {
            return;
        }
        List<String> args = new ArrayList<>();
        if (role() == Role.CONTROLLER) {
            args.addAll(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        }
        args.addAll(List.of("-cp", distribution.classpath(), log4jConfig(), "kafka.Kafka", serverProperties().toString()));
        process().start(JavaCommand.of(role() == Role.CONTROLLER ? "256m" : "512m", args), serverProperties().toString(), Map.of(), dir, lifetime);
    }

    /**
     * Waits until the node answers an admin request of cluster {@code clusterId} and, a broker, sees
     * {@code expectedBrokers} brokers, or, a controller-only node, knows the quorum's leader. The cluster id matters: ports are picked free and then bound by Kafka, so another process can
     * take one in between; a foreign broker answering on our port would otherwise pass for ours (seen when two test
     * stacks started at once, and one's services wrote into the other's cluster).
     */
    void awaitReady(String clusterId, int expectedBrokers, Duration timeout) {
        if (role() == Role.CONTROLLER) {
            awaitAnswer(clusterId, timeout, AdminClientConfig.BOOTSTRAP_CONTROLLERS_CONFIG, spec.controllerAddress(), admin -> {
                // A voter that knows the quorum's leader has joined it; brokers register with that leader.
                QuorumInfo quorum = admin.describeMetadataQuorum().quorumInfo().get(3, TimeUnit.SECONDS);
                return quorum.leaderId() >= 0 ? Optional.empty() : Optional.of("knows no quorum leader yet");
            });
        } else {
            awaitAnswer(clusterId, timeout, AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServer(), admin -> {
                int brokers = admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).size();
                return brokers >= expectedBrokers ? Optional.empty()
                        : Optional.of("sees " + brokers + " of " + expectedBrokers + " brokers");
            });
        }
    }

    /** What still keeps a node from being ready, asked of an admin client connected to it; empty: ready. */
    private interface ReadyCheck {
        Optional<String> problem(Admin admin) throws ExecutionException, TimeoutException, InterruptedException;
    }

    /**
     * Polls the node through {@code bootstrapKey} ({@code bootstrap.servers} for a broker, {@code bootstrap.controllers}
     * for a controller) until it answers with cluster {@code clusterId} and {@code check} finds nothing missing.
     */
    private void awaitAnswer(String clusterId, Duration timeout, String bootstrapKey, String address, ReadyCheck check) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Object> config = Map.of(
                bootstrapKey, address,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        String lastProblem = "no answer yet";
        try (Admin admin = Admin.create(config)) {
            while (true) {
                Optional<ProcessHandle> current = process().running();
                if (current.isEmpty()) {
                    throw new IllegalStateException("Kafka node " + nodeId() + " exited before it answered on "
                            + address + "; " + ProcessLog.diagnosis(logFile()));
                }
                try {
                    String answeringCluster = admin.describeCluster().clusterId().get(3, TimeUnit.SECONDS);
                    if (!clusterId.equals(answeringCluster)) {
                        throw new IllegalStateException("Port of Kafka node " + nodeId() + " (" + address
                                + ") is answered by another cluster (" + answeringCluster + ", not " + clusterId
                                + "): the port was taken between picking and binding it; start again");
                    }
                    Optional<String> problem = check.problem(admin);
                    if (problem.isEmpty()) {
                        return;
                    }
                    lastProblem = problem.get();
                } catch (ExecutionException | TimeoutException e) {
                    lastProblem = e.getCause() == null ? e.toString() : e.getCause().toString();
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Kafka node " + nodeId() + " (PID " + current.get().pid() + ") not ready on "
                            + address + " within " + timeout.toSeconds() + " s (" + lastProblem + "); "
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
