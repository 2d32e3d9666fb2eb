package io.imagelib.role;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One role-service replica as its own JVM (the class path of this test), so a test can kill -9 it: an abrupt death
 * that sends no LeaveGroup, closes no producer and answers no request in flight.
 */
final class RoleReplica implements AutoCloseable {

    private final Process process;
    private final String url;

    private RoleReplica(Process process, String url) {
        this.process = process;
        this.url = url;
    }

    static RoleReplica start(String name, String bootstrapServers, String registryUrl, String... extraArgs) throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"), "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), RoleServiceApplication.class.getName(),
                "--server.port=" + port,
                "--spring.kafka.bootstrap-servers=" + bootstrapServers,
                "--imagelib.kafka.schema-registry-url=" + registryUrl,
                "--imagelib.kafka.instance-id=" + name,
                "--imagelib.security.tokens[0].token=it-admin-token",
                "--imagelib.security.tokens[0].principal=it-admin",
                "--imagelib.security.tokens[0].roles[0]=admin"));
        command.addAll(List.of(extraArgs));
        Path log = Path.of("target", name + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new RoleReplica(process, "http://127.0.0.1:" + port);
    }

    String url() {
        return url;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: the JVM gets no chance to leave the writer group or finish a transaction. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }
}
