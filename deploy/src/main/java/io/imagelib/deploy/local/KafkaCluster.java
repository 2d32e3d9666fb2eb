package io.imagelib.deploy.local;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.common.Uuid;

/**
 * A local KRaft cluster of 1 or 3 combined broker+controller nodes, each a child JVM, under one directory:
 * {@code cluster.properties} (cluster id and ports, so a restart reuses data and ports) and {@code node-N/}.
 *
 * <p>Nodes are formatted, started and stopped in parallel: a node waits for a controller quorum, so starting
 * or stopping them one by one stalls on a quorum that is not there yet (or any more).
 */
public final class KafkaCluster implements AutoCloseable {

    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(120);
    /** Controlled shutdown of a combined node takes a few seconds; past this it gets SIGKILL. */
    public static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private static final String STATE_FILE = "cluster.properties";

    /**
     * How fast the controller fences a broker that stopped heartbeating, which is when the partitions it led get new
     * leaders and it leaves every ISR: until then acks=all writes through it wait. A dead broker is fenced 2.5-3 s
     * after its death (session minus one heartbeat, up to the session) instead of 7-9 s with Kafka's defaults
     * (9000/2000). Six heartbeats per session: a live broker is fenced only if it is silent for 3 s (a stall, a GC
     * pause, a saturated CPU). The same values are in deploy/compose and docs/operations.md explains the trade-off.
     * The group floor lets the services' consumer groups end a dead member after 3 s (service-support's group session).
     */
    public static final Map<String, String> BROKER_FENCING = Map.of(
            "broker.session.timeout.ms", "3000",
            "broker.heartbeat.interval.ms", "500",
            "group.min.session.timeout.ms", "2000");

    /**
     * Partitions of Kafka's own coordinator topics, instead of 50 each. A dead broker's every partition (all of them
     * at replication factor 3 on three nodes) changes leader or ISR on both survivors before an acks=all write through
     * them completes, and these two were 100 of the ~245. Six group-coordinator partitions spread our handful of
     * consumer groups over three brokers. One transaction-coordinator partition: when its leader dies, the survivor
     * that takes it over loads one partition before it answers the election's transactions (with six it could take
     * over two, loaded one after the other on one scheduler thread); the few transactional ids (endpoint-service's
     * stream threads, role-service's writer) need no spreading. Only a new cluster takes them (a broker uses an
     * existing topic's count); the same values are in deploy/compose, and docs/operations.md says why.
     */
    public static final Map<String, String> COORDINATOR_TOPICS = Map.of(
            "offsets.topic.num.partitions", "6",
            "transaction.state.log.num.partitions", "1");

    private final Path dir;
    private final String clusterId;
    private final List<KafkaNode> nodes;
    private final Optional<SecureListeners> secureListeners;

    private KafkaCluster(Path dir, String clusterId, List<KafkaNode> nodes, Optional<SecureListeners> secureListeners) {
        this.dir = dir;
        this.clusterId = clusterId;
        this.nodes = List.copyOf(nodes);
        this.secureListeners = secureListeners;
    }

    /**
     * This single-node cluster with TLS client listeners as well (see {@link SecureListeners}; applied at the next
     * {@link #start}), on free ports other than the node's own.
     */
    public KafkaCluster withSecureListeners(Path keystore, String keystorePassword, Path truststore, String truststorePassword) {
        if (nodes.size() != 1) {
            throw new IllegalStateException("Secure listeners are for a single local node; this cluster has " + nodes.size());
        }
        KafkaNode.Spec node = nodes.getFirst().spec();
        // Picked together (so distinct), minus the node's ports, which are free too while it is not running.
        List<Integer> ports = LocalResources.freePorts(4).stream()
                .filter(p -> p != node.port() && p != node.controllerPort()).toList();
        return new KafkaCluster(dir, clusterId, nodes, Optional.of(new SecureListeners(ports.get(0), ports.get(1),
                keystore, keystorePassword, truststore, truststorePassword)));
    }

    /** The TLS listeners, when {@link #withSecureListeners} added them. */
    public Optional<SecureListeners> secureListeners() {
        return secureListeners;
    }

    /** One node on free ports under {@code dir}. */
    public static KafkaCluster singleNode(Path dir) {
        return create(dir, KafkaDistribution.locate(), 1, 0);
    }

    /** Three nodes on free ports under {@code dir}. */
    public static KafkaCluster threeNodes(Path dir) {
        return create(dir, KafkaDistribution.locate(), 3, 0);
    }

    /**
     * Opens the cluster already laid out in {@code dir}, or lays out a new one: {@code nodeCount} nodes (1 or 3),
     * broker ports {@code firstPort}, {@code firstPort + 1}, ... ({@code 0}: free ports), controller ports free.
     */
    public static KafkaCluster create(Path dir, KafkaDistribution distribution, int nodeCount, int firstPort) {
        if (nodeCount != 1 && nodeCount != 3) {
            throw new IllegalArgumentException("A local cluster has 1 or 3 nodes, not " + nodeCount);
        }
        Path root = dir.toAbsolutePath().normalize();
        Optional<KafkaCluster> existing = open(root, distribution);
        if (existing.isPresent()) {
            KafkaCluster cluster = existing.get();
            if (cluster.nodes.size() != nodeCount || (firstPort != 0 && cluster.nodes.get(0).spec().port() != firstPort)) {
                throw new IllegalStateException(root + " already holds a " + cluster.nodes.size() + "-node cluster on "
                        + cluster.bootstrapServers() + "; use another directory or delete this one");
            }
            return cluster;
        }
        List<Integer> free = LocalResources.freePorts(nodeCount * 2);
        List<KafkaNode.Spec> specs = new ArrayList<>();
        for (int i = 0; i < nodeCount; i++) {
            int port = firstPort == 0 ? free.get(2 * i) : firstPort + i;
            specs.add(new KafkaNode.Spec(i + 1, port, free.get(2 * i + 1)));
        }
        KafkaCluster cluster = new KafkaCluster(root, Uuid.randomUuid().toString(), nodes(root, distribution, specs), Optional.empty());
        cluster.saveState();
        return cluster;
    }

    /** The cluster laid out in {@code dir} by an earlier {@link #create}, if any. */
    public static Optional<KafkaCluster> open(Path dir, KafkaDistribution distribution) {
        Path root = dir.toAbsolutePath().normalize();
        Path state = root.resolve(STATE_FILE);
        if (!Files.isRegularFile(state)) {
            return Optional.empty();
        }
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(state)) {
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + state, e);
        }
        int count = Integer.parseInt(props.getProperty("nodes"));
        List<KafkaNode.Spec> specs = new ArrayList<>();
        for (int id = 1; id <= count; id++) {
            specs.add(new KafkaNode.Spec(id, Integer.parseInt(props.getProperty("node." + id + ".port")),
                    Integer.parseInt(props.getProperty("node." + id + ".controller.port"))));
        }
        return Optional.of(new KafkaCluster(root, props.getProperty("cluster.id"), nodes(root, distribution, specs), Optional.empty()));
    }

    private static List<KafkaNode> nodes(Path root, KafkaDistribution distribution, List<KafkaNode.Spec> specs) {
        return specs.stream().map(s -> new KafkaNode(s, root.resolve("node-" + s.nodeId()), distribution)).toList();
    }

    private void saveState() {
        Properties props = new Properties();
        props.setProperty("cluster.id", clusterId);
        props.setProperty("nodes", Integer.toString(nodes.size()));
        for (KafkaNode node : nodes) {
            props.setProperty("node." + node.nodeId() + ".port", Integer.toString(node.spec().port()));
            props.setProperty("node." + node.nodeId() + ".controller.port", Integer.toString(node.spec().controllerPort()));
        }
        try {
            Files.createDirectories(dir);
            try (Writer out = Files.newBufferedWriter(dir.resolve(STATE_FILE))) {
                props.store(out, "Local Kafka cluster: delete the directory to start from scratch");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + dir.resolve(STATE_FILE), e);
        }
    }

    /** server.properties of one node; replication settings follow the cluster size. */
    static Map<String, String> serverProperties(KafkaNode.Spec node, List<KafkaNode.Spec> all, Path dataDir) {
        int size = all.size();
        String replication = Integer.toString(Math.min(size, 3));
        String minIsr = size >= 3 ? "2" : "1";
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(node.nodeId()));
        p.put("controller.quorum.bootstrap.servers",
                all.stream().map(KafkaNode.Spec::controllerAddress).collect(Collectors.joining(",")));
        p.put("listeners", "PLAINTEXT://" + node.bootstrapServer() + ",CONTROLLER://" + node.controllerAddress());
        p.put("advertised.listeners", "PLAINTEXT://" + node.bootstrapServer() + ",CONTROLLER://" + node.controllerAddress());
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", dataDir.toString());
        p.put("num.partitions", "1");
        p.put("default.replication.factor", replication);
        p.put("min.insync.replicas", minIsr);
        p.put("offsets.topic.replication.factor", replication);
        p.put("transaction.state.log.replication.factor", replication);
        p.put("transaction.state.log.min.isr", minIsr);
        p.put("share.coordinator.state.topic.replication.factor", replication);
        p.put("share.coordinator.state.topic.min.isr", minIsr);
        // Topics come from the catalogue (TopicProvisioner); a typo must not create a topic silently.
        p.put("auto.create.topics.enable", "false");
        // Consumers in tests and on laptops should not wait 3 s for more members.
        p.put("group.initial.rebalance.delay.ms", "0");
        p.putAll(BROKER_FENCING);
        p.putAll(COORDINATOR_TOPICS);
        return p;
    }

    /** Writes configs and formats the nodes not yet formatted (all in parallel). */
    private void formatIfNeeded() {
        List<KafkaNode.Spec> specs = nodes.stream().map(KafkaNode::spec).toList();
        List<String> quorum = quorumArguments(clusterId, specs);
        parallel(nodes, node -> {
            Map<String, String> server = serverProperties(node.spec(), specs, node.dataDir());
            secureListeners.ifPresent(listeners -> listeners.applyTo(server));
            node.writeConfig(server);
            if (!node.isFormatted()) {
                node.format(clusterId, quorum);
            }
        });
    }

    /**
     * One node bootstraps a standalone quorum; three name all voters on every node, each voter with the
     * directory id its own format step will write, so the quorum starts with three voters and survives one loss.
     */
    static List<String> quorumArguments(String clusterId, List<KafkaNode.Spec> specs) {
        if (specs.size() == 1) {
            return List.of("--standalone");
        }
        String voters = specs.stream()
                .map(s -> s.nodeId() + "@" + s.controllerAddress() + ":" + directoryId(clusterId, s.nodeId()))
                .collect(Collectors.joining(","));
        return List.of("--initial-controllers", voters);
    }

    /** Derived, not random: a node re-formatted after an interrupted first format must get the id the others expect. */
    static String directoryId(String clusterId, int nodeId) {
        UUID uuid = UUID.nameUUIDFromBytes((clusterId + "/node-" + nodeId).getBytes(StandardCharsets.UTF_8));
        return new Uuid(uuid.getMostSignificantBits(), uuid.getLeastSignificantBits()).toString();
    }

    /** Formats when needed, starts every node not yet running, and waits until each sees all brokers. */
    public KafkaCluster start(Lifetime lifetime, Duration readyTimeout) {
        formatIfNeeded();
        try {
            parallel(nodes, node -> node.start(lifetime));
            parallel(nodes, node -> node.awaitReady(clusterId, nodes.size(), readyTimeout));
        } catch (RuntimeException e) {
            stopQuietly(e); // a half-started cluster is of no use and would hold its ports
            throw e;
        }
        return this;
    }

    /** {@link #start(Lifetime, Duration)} tied to this JVM, for tests. */
    public KafkaCluster start() {
        return start(Lifetime.TIED_TO_THIS_JVM, DEFAULT_READY_TIMEOUT);
    }

    public String bootstrapServers() {
        return nodes.stream().map(KafkaNode::bootstrapServer).collect(Collectors.joining(","));
    }

    public List<KafkaNode> nodes() {
        return nodes;
    }

    public KafkaNode node(int nodeId) {
        return nodes.stream().filter(n -> n.nodeId() == nodeId).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No node " + nodeId + " in " + dir));
    }

    /** SIGKILL of one node, as a crashed host: no controlled shutdown, no leader hand-over. */
    public void kill(int nodeId) {
        node(nodeId).kill();
    }

    /** Stops every running node in parallel; returns when all their PIDs are gone. */
    public void stop() {
        parallel(nodes, node -> node.stop(STOP_GRACE));
    }

    @Override
    public void close() {
        stop();
    }

    private void stopQuietly(RuntimeException cause) {
        try {
            stop();
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    private static void parallel(List<KafkaNode> nodes, Consumer<KafkaNode> action) {
        List<CompletableFuture<Void>> all = nodes.stream()
                .map(node -> CompletableFuture.runAsync(() -> action.accept(node), runnable -> Thread.ofVirtual().start(runnable)))
                .toList();
        try {
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw e;
        }
    }
}
