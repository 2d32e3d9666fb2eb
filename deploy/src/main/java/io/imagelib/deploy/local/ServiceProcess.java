package io.imagelib.deploy.local;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One of the stack's services as a user runs it: {@code java -jar} of its module's jar, configured only through
 * environment variables. The one launcher of {@code ilctl up} ({@link Lifetime#DETACHED}, {@link PortPlan#offset})
 * and the system tests ({@link Lifetime#TIED_TO_THIS_JVM}, {@link PortPlan#free}).
 *
 * @param service what it is
 * @param jar     the jar to run (ilctl runs an extracted copy of the Boot jar)
 * @param port    its HTTP port on 127.0.0.1
 * @param process its pid file and log
 * @param marker  the JVM argument that makes the recorded PID this service's ({@link StackProcess})
 */
public record ServiceProcess(ServiceModule service, Path jar, int port, StackProcess process, String marker) {

    /**
     * What every service of one stack is given: its Kafka, its registry, the one admin principal allowed changes, and
     * how many instances of each service the stack runs.
     */
    public record Shared(String bootstrapServers, String registryUrl, String adminToken, String adminPrincipal, int replicas) {
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** The settings every stack gives this service; a stack adds its own (instance id, state directory) on top. */
    public Map<String, String> environment(Shared shared) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SERVER_PORT", Integer.toString(port));
        env.put("SPRING_APPLICATION_NAME", service.module());
        env.put("SPRING_KAFKA_BOOTSTRAP_SERVERS", shared.bootstrapServers());
        env.put("IMAGELIB_KAFKA_SCHEMA_REGISTRY_URL", shared.registryUrl());
        env.put("IMAGELIB_SECURITY_TOKENS_0_TOKEN", shared.adminToken());
        env.put("IMAGELIB_SECURITY_TOKENS_0_PRINCIPAL", shared.adminPrincipal());
        env.put("IMAGELIB_SECURITY_TOKENS_0_ROLES_0", "admin");
        if (service == ServiceModule.ENDPOINT && shared.replicas() > 1) {
            // A warm copy of the election's stores on another instance: a dead instance's tasks resume there at once
            // instead of after a restore from the changelogs.
            env.put("IMAGELIB_ENDPOINT_STREAMS_STANDBYREPLICAS", "1");
        }
        return env;
    }

    /** Starts the jar in {@code workDir} with {@code environment}; C1 only, as start-up time matters more than peak speed. */
    public ProcessHandle start(String maxHeap, Map<String, String> environment, Path workDir, Lifetime lifetime) {
        List<String> command = List.of(JavaCommand.java(), "-Xmx" + maxHeap,
                "-XX:TieredStopAtLevel=1", marker, "-jar", jar.toString());
        return process.start(command, marker, environment, workDir, lifetime);
    }

    /** Waits for its readiness (which includes the state readers' catch-up); returns how long it took. */
    public Duration awaitReady(Duration timeout) {
        return Readiness.await(process, url() + service.readinessPath(), timeout);
    }
}
