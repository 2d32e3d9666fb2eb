package io.imagelib.deploy.local;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Starts and stops a local Kafka cluster from the deploy module's jars, for scripts and {@code ilctl up}.
 * {@code start} returns once every node answers and prints the bootstrap servers as its only stdout line;
 * the brokers keep running until {@code stop}. Running {@code start} again on the same directory is a no-op.
 */
public final class LocalKafkaMain {

    private static final String USAGE = """
            usage: LocalKafkaMain start|stop|status [--dir DIR] [--port PORT] [--nodes 1|3] [--lib DIR]
              start   format (first time) and start the nodes; prints the bootstrap servers
              stop    SIGTERM each node recorded in DIR (SIGKILL after 30 s)
              status  prints the bootstrap servers and exits 0 if every node runs, else exits 1
              --dir   cluster directory (default .imagelib/kafka); it keeps data, ports and pid files
              --port  first broker port, next nodes use the following ones (default: free ports)
              --nodes 1 or 3 (default: 1, or what DIR already holds)
              --lib   broker jars (default deploy/target/kafka/lib found above the working directory)""";

    private LocalKafkaMain() {
    }

    public static void main(String[] args) {
        try {
            System.exit(run(CliArguments.parse(args, CliArguments.names("start", "stop", "status"),
                    CliArguments.names("dir", "port", "nodes", "lib"), USAGE)));
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
    }

    private static int run(CliArguments cli) {
        Path dir = Path.of(cli.option("dir", ".imagelib/kafka"));
        KafkaDistribution distribution = cli.optional("lib").map(Path::of).map(KafkaDistribution::new)
                .orElseGet(KafkaDistribution::locate);
        switch (cli.command()) {
            case "start" -> {
                // Without --nodes a restart keeps the size the directory already has.
                int nodes = cli.intOption("nodes", KafkaCluster.open(dir, distribution).map(c -> c.nodes().size()).orElse(1));
                KafkaCluster cluster = KafkaCluster.create(dir, distribution, nodes, cli.intOption("port", 0));
                cluster.start(Lifetime.DETACHED, KafkaCluster.DEFAULT_READY_TIMEOUT);
                System.out.println(cluster.bootstrapServers());
                return 0;
            }
            case "stop" -> {
                Optional<KafkaCluster> cluster = KafkaCluster.open(dir, distribution);
                cluster.ifPresentOrElse(KafkaCluster::stop, () -> System.err.println("No cluster in " + dir.toAbsolutePath()));
                return 0;
            }
            default -> {
                Optional<KafkaCluster> cluster = KafkaCluster.open(dir, distribution);
                if (cluster.isEmpty()) {
                    System.err.println("No cluster in " + dir.toAbsolutePath());
                    return 1;
                }
                cluster.get().nodes().forEach(node -> System.err.println("node " + node.nodeId() + " " + node.bootstrapServer()
                        + " " + (node.isRunning() ? "running, PID " + node.pid().getAsLong() : "stopped")));
                System.out.println(cluster.get().bootstrapServers());
                return cluster.get().nodes().stream().allMatch(KafkaNode::isRunning) ? 0 : 1;
            }
        }
    }
}
