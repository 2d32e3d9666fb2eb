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
import java.util.Iterator;
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
 * A local KRaft cluster ({@link Topology}: 1 or 3 combined broker+controller nodes, or 3 brokers and 3 dedicated
 * controllers), each node a child JVM, under one directory: {@code cluster.properties} (cluster id, layout and ports,
 * so a restart reuses data and ports) and {@code node-N/}.
 *
 * <p>Nodes are formatted and started in parallel (dedicated controllers before brokers): a node waits for a
 * controller quorum, so starting the voters one by one stalls on a quorum that is not there yet. They stop in
 * parallel too, brokers before dedicated controllers: a broker's controlled shutdown asks the active controller to
 * move its leaderships.
 */
public final class KafkaCluster implements AutoCloseable {

    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(120);
    /** Controlled shutdown of a combined node takes a few seconds; past this it gets SIGKILL. */
    public static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private static final String STATE_FILE = "cluster.properties";
    /** Dedicated controllers are nodes 101, 102, ...: brokers keep ids 1-3, and a log line's node id says which it is. */
    static final int FIRST_CONTROLLER_ID = 101;

    /**
     * The layouts a local cluster can have. With combined nodes, a broker's death is also the active controller's one
     * time in three, and then the quorum first notices after {@code controller.quorum.fetch.timeout.ms} (2 s), elects
     * a new leader, and that leader starts every broker's session afresh: the dead broker is fenced 4-5 s later than
     * otherwise (docs/benchmarks/2026-12-07-broker-loss.md). Dedicated controllers, Kafka's production layout, keep
     * the quorum out of a broker's death, for three more (small) JVMs.
     */
    public enum Topology {
        SINGLE_NODE(1, 0), THREE_COMBINED(3, 0), DEDICATED_CONTROLLERS(3, 3);

        private final int brokers;
        private final int dedicatedControllers;

        Topology(int brokers, int dedicatedControllers) {
            this.brokers = brokers;
            this.dedicatedControllers = dedicatedControllers;
        }

        public int brokers() {
            return brokers;
        }

        public int dedicatedControllers() {
            return dedicatedControllers;
        }

        static Topology of(int brokers, int dedicatedControllers) {
            for (Topology topology : values()) {
                if (topology.brokers == brokers && topology.dedicatedControllers == dedicatedControllers) {
                    return topology;
                }
            }
            throw new IllegalArgumentException("No local Kafka layout of " + brokers + " brokers and "
                    + dedicatedControllers + " dedicated controllers");
        }

        /** Node ids and roles: brokers (combined without dedicated controllers) 1, 2, ..., then controllers 101, 102, ... */
        public Map<Integer, KafkaNode.Role> roles() {
            Map<Integer, KafkaNode.Role> roles = new LinkedHashMap<>();
            for (int i = 0; i < brokers; i++) {
                roles.put(i + 1, dedicatedControllers == 0 ? KafkaNode.Role.COMBINED : KafkaNode.Role.BROKER);
            }
            for (int i = 0; i < dedicatedControllers; i++) {
                roles.put(FIRST_CONTROLLER_ID + i, KafkaNode.Role.CONTROLLER);
            }
            return roles;
        }

        /** New nodes: broker ports from {@code firstPort} on ({@code 0}: free ones), controller ports free. */
        List<KafkaNode.Spec> specs(int firstPort) {
            Map<Integer, KafkaNode.Role> roles = roles();
            int controllers = (int) roles.values().stream().filter(KafkaNode.Role::isController).count();
            Iterator<Integer> free = LocalResources.freePorts(brokers + controllers).iterator();
            List<KafkaNode.Spec> specs = new ArrayList<>();
            int brokerIndex = 0;
            for (var node : roles.entrySet()) {
                KafkaNode.Role role = node.getValue();
                int port = 0;
                if (role.isBroker()) {
                    port = firstPort == 0 ? free.next() : firstPort + brokerIndex;
                    brokerIndex++;
                }
                specs.add(new KafkaNode.Spec(node.getKey(), role, port, role.isController() ? free.next() : 0));
            }
            return specs;
        }
    }

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
    private final Topology topology;
    private final List<KafkaNode> nodes;
    private final Optional<SecureListeners> secureListeners;

    private KafkaCluster(Path dir, String clusterId, Topology topology, List<KafkaNode> nodes, Optional<SecureListeners> secureListeners) {
        this.dir = dir;
        this.clusterId = clusterId;
        this.topology = topology;
        this.nodes = List.copyOf(nodes);
        this.secureListeners = secureListeners;
    }

    /**
     * This single-node cluster with TLS client listeners as well (see {@link SecureListeners}; applied at the next
     * {@link #start}), on free ports other than the node's own.
     */
    public KafkaCluster withSecureListeners(Path keystore, String keystorePassword, Path truststore, String truststorePassword) {
        if (topology != Topology.SINGLE_NODE) {
            throw new IllegalStateException("Secure listeners are for a single local node; this cluster has " + nodes.size());
        }
        KafkaNode.Spec node = nodes.getFirst().spec();
        // Picked together (so distinct), minus the node's ports, which are free too while it is not running.
        List<Integer> ports = LocalResources.freePorts(4).stream()
                .filter(p -> p != node.port() && p != node.controllerPort()).toList();
        return new KafkaCluster(dir, clusterId, topology, nodes, Optional.of(new SecureListeners(ports.get(0), ports.get(1),
                keystore, keystorePassword, truststore, truststorePassword)));
    }

    /** The TLS listeners, when {@link #withSecureListeners} added them. */
    public Optional<SecureListeners> secureListeners() {
        return secureListeners;
    }

    /** One node on free ports under {@code dir}. */
    public static KafkaCluster singleNode(Path dir) {
        return create(dir, KafkaDistribution.locate(), Topology.SINGLE_NODE, 0);
    }

    /** Three combined nodes on free ports under {@code dir}. */
    public static KafkaCluster threeNodes(Path dir) {
        return create(dir, KafkaDistribution.locate(), Topology.THREE_COMBINED, 0);
    }

    /** Three brokers and three dedicated controllers on free ports under {@code dir}. */
    public static KafkaCluster dedicatedControllers(Path dir) {
        return create(dir, KafkaDistribution.locate(), Topology.DEDICATED_CONTROLLERS, 0);
    }

    /**
     * Opens the cluster already laid out in {@code dir}, or lays out a new one as {@code topology}: broker ports
     * {@code firstPort}, {@code firstPort + 1}, ... ({@code 0}: free ports), controller ports free.
     */
    public static KafkaCluster create(Path dir, KafkaDistribution distribution, Topology topology, int firstPort) {
        Path root = dir.toAbsolutePath().normalize();
        Optional<KafkaCluster> existing = open(root, distribution);
        if (existing.isPresent()) {
            KafkaCluster cluster = existing.get();
            if (cluster.topology != topology || (firstPort != 0 && cluster.nodes.get(0).spec().port() != firstPort)) {
                throw new IllegalStateException(root + " already holds a cluster of " + cluster.describe() + " on "
                        + cluster.bootstrapServers() + "; use another directory or delete this one");
            }
            return cluster;
        }
        KafkaCluster cluster = new KafkaCluster(root, Uuid.randomUuid().toString(), topology,
                nodes(root, distribution, topology.specs(firstPort)), Optional.empty());
        cluster.saveState();
        return cluster;
    }

    private String describe() {
        return topology.brokers() + (topology.dedicatedControllers() == 0 ? " combined nodes"
                : " brokers and " + topology.dedicatedControllers() + " dedicated controllers");
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
        Topology topology = topologyOf(props);
        return Optional.of(new KafkaCluster(root, props.getProperty("cluster.id"), topology,
                nodes(root, distribution, specsOf(topology, props)), Optional.empty()));
    }

    /** A cluster laid out before dedicated controllers existed has no "controllers": its nodes are combined. */
    static Topology topologyOf(Properties props) {
        return Topology.of(Integer.parseInt(props.getProperty("nodes")), Integer.parseInt(props.getProperty("controllers", "0")));
    }

    /** The node specs saved in {@code cluster.properties}: a port a node does not have is absent there, so 0. */
    static List<KafkaNode.Spec> specsOf(Topology topology, Properties props) {
        return topology.roles().entrySet().stream().map(node -> new KafkaNode.Spec(node.getKey(), node.getValue(),
                Integer.parseInt(props.getProperty("node." + node.getKey() + ".port", "0")),
                Integer.parseInt(props.getProperty("node." + node.getKey() + ".controller.port", "0")))).toList();
    }

    private static List<KafkaNode> nodes(Path root, KafkaDistribution distribution, List<KafkaNode.Spec> specs) {
        return specs.stream().map(s -> new KafkaNode(s, root.resolve("node-" + s.nodeId()), distribution)).toList();
    }

    private void saveState() {
        Properties props = new Properties();
        props.setProperty("cluster.id", clusterId);
        props.setProperty("nodes", Integer.toString(topology.brokers()));
        props.setProperty("controllers", Integer.toString(topology.dedicatedControllers()));
        for (KafkaNode node : nodes) {
            if (node.role().isBroker()) {
                props.setProperty("node." + node.nodeId() + ".port", Integer.toString(node.spec().port()));
            }
            if (node.role().isController()) {
                props.setProperty("node." + node.nodeId() + ".controller.port", Integer.toString(node.spec().controllerPort()));
            }
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

    /**
     * server.properties of one node: where it listens and what it runs, then {@link #clusterSettings} for the number of
     * brokers.
     */
    static Map<String, String> serverProperties(KafkaNode.Spec node, List<KafkaNode.Spec> all, Path dataDir) {
        List<String> listeners = new ArrayList<>();
        if (node.role().isBroker()) {
            listeners.add("PLAINTEXT://" + node.bootstrapServer());
        }
        if (node.role().isController()) {
            listeners.add("CONTROLLER://" + node.controllerAddress());
        }
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", node.role().processRoles());
        p.put("node.id", Integer.toString(node.nodeId()));
        p.put("controller.quorum.bootstrap.servers", all.stream().filter(s -> s.role().isController())
                .map(KafkaNode.Spec::controllerAddress).collect(Collectors.joining(",")));
        p.put("listeners", String.join(",", listeners));
        p.put("advertised.listeners", String.join(",", listeners));
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        if (node.role().isBroker()) {
            p.put("inter.broker.listener.name", "PLAINTEXT");
        }
        p.put("log.dirs", dataDir.toString());
        p.putAll(clusterSettings((int) all.stream().filter(s -> s.role().isBroker()).count()));
        return p;
    }

    /**
     * What every node of a cluster of {@code brokers} brokers gets, broker or controller (in KRaft the controller
     * applies the topic defaults when it creates a topic, and fences brokers): replication, topic defaults, fencing,
     * Kafka's own topics. deploy/compose and deploy/systemd set the same for three brokers (their tests check it).
     */
    public static Map<String, String> clusterSettings(int brokers) {
        String replication = Integer.toString(Math.min(brokers, 3));
        String minIsr = brokers >= 3 ? "2" : "1";
        Map<String, String> p = new LinkedHashMap<>();
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
        parallel(nodes, node -> {
            Map<String, String> server = serverProperties(node.spec(), specs, node.dataDir());
            secureListeners.ifPresent(listeners -> listeners.applyTo(server));
            node.writeConfig(server);
            if (!node.isFormatted()) {
                node.format(clusterId, quorumArguments(clusterId, node.spec(), specs));
            }
        });
    }

    /**
     * A single controller bootstraps a standalone quorum; three name all voters on every controller, each voter with
     * the directory id its own format step will write, so the quorum starts with three voters and survives one loss.
     * A broker-only node is no voter: it finds the quorum through {@code controller.quorum.bootstrap.servers}.
     */
    static List<String> quorumArguments(String clusterId, KafkaNode.Spec node, List<KafkaNode.Spec> all) {
        if (!node.role().isController()) {
            return List.of("--no-initial-controllers");
        }
        List<KafkaNode.Spec> controllers = all.stream().filter(s -> s.role().isController()).toList();
        if (controllers.size() == 1) {
            return List.of("--standalone");
        }
        String voters = controllers.stream()
                .map(s -> s.nodeId() + "@" + s.controllerAddress() + ":" + directoryId(clusterId, s.nodeId()))
                .collect(Collectors.joining(","));
        return List.of("--initial-controllers", voters);
    }

    /** Derived, not random: a node re-formatted after an interrupted first format must get the id the others expect. */
    static String directoryId(String clusterId, int nodeId) {
        UUID uuid = UUID.nameUUIDFromBytes((clusterId + "/node-" + nodeId).getBytes(StandardCharsets.UTF_8));
        return new Uuid(uuid.getMostSignificantBits(), uuid.getLeastSignificantBits()).toString();
    }

    /**
     * Formats when needed, starts every node not yet running, and waits until each is ready: dedicated controllers
     * first (in the quorum), then the brokers (each sees all brokers). Brokers started beside starting controllers
     * (9 JVMs at once with the services' on two cores, load 30) got no heartbeat answered within its 500 ms, so one
     * never registered; with the quorum up first they register at once.
     */
    public KafkaCluster start(Lifetime lifetime, Duration readyTimeout) {
        formatIfNeeded();
        try {
            for (List<KafkaNode> group : List.of(controllerOnlyNodes(), brokers())) {
                parallel(group, node -> node.start(lifetime));
                parallel(group, node -> node.awaitReady(clusterId, topology.brokers(), readyTimeout));
            }
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
        return brokers().stream().map(KafkaNode::bootstrapServer).collect(Collectors.joining(","));
    }

    public Topology topology() {
        return topology;
    }

    /** Every node, brokers and dedicated controllers. */
    public List<KafkaNode> nodes() {
        return nodes;
    }

    /** The nodes that are brokers (combined ones included): what clients connect to. */
    public List<KafkaNode> brokers() {
        return nodes.stream().filter(n -> n.role().isBroker()).toList();
    }

    /** The controller-only nodes; none with combined nodes. */
    public List<KafkaNode> controllerOnlyNodes() {
        return nodes.stream().filter(n -> !n.role().isBroker()).toList();
    }

    public KafkaNode node(int nodeId) {
        return nodes.stream().filter(n -> n.nodeId() == nodeId).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No node " + nodeId + " in " + dir));
    }

    /** SIGKILL of one node, as a crashed host: no controlled shutdown, no leader hand-over. */
    public void kill(int nodeId) {
        node(nodeId).kill();
    }

    /** Stops every running node, brokers first; returns when all their PIDs are gone. */
    public void stop() {
        parallel(brokers(), node -> node.stop(STOP_GRACE));
        parallel(controllerOnlyNodes(), node -> node.stop(STOP_GRACE));
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
