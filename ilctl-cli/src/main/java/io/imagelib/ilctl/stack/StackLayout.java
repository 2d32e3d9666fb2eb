package io.imagelib.ilctl.stack;

import io.imagelib.deploy.local.ProcessDir;
import io.imagelib.deploy.local.StackProcess;
import java.nio.file.Path;

/**
 * Everything {@code ilctl up} creates lives under one directory (default {@code .imagelib/}):
 * <pre>
 * stack.properties      what up started with (ports, hosts, region, Glance mode), read by status and down
 * token                 bearer token the services accept for changes (mode 600)
 * logs/NAME.log         output of each service and host
 * pids/NAME.pid         PID of each service and host, and the argument that identifies it
 * app/SERVICE/          the service's Boot jar, extracted (see ExtractedJar); refreshed when the jar changes
 * state/SERVICE/        the service's working directory and IMAGELIB_STATE_DIR (Kafka Streams state)
 * kafka/                the KRaft node (deploy module layout: cluster.properties, node-1/{kafka.log,kafka.pid,data/})
 * registry/             Apicurio registry (registry.log, registry.pid, registry.port)
 * glance/data/          the one data directory all Glance hosts share (the seed's shared storage)
 * glance/hc-disable-H   a host's healthcheck disable file: touch it to drain H
 * glance/H.conf         real Glance only: per-host config (common.conf next to it)
 * postgres/             real Glance only: the shared database cluster, or a symlink to it when the postgres user
 *                       cannot reach this directory (see GlanceDatabase)
 * keystone/             real Glance only: Keystone's database, keys, logs and the service users' passwords (mode 600)
 * openrc, clouds.yaml   real Glance only: the Keystone admin's credentials for the openstack and glance clients
 * </pre>
 */
public record StackLayout(Path dir) {

    public StackLayout {
        dir = dir.toAbsolutePath().normalize();
    }

    public Path stateFile() {
        return dir.resolve("stack.properties");
    }

    public Path tokenFile() {
        return dir.resolve("token");
    }

    /** pids/, logs/ and state/: where the stack keeps its processes, as the system tests do. */
    public ProcessDir processes() {
        return new ProcessDir(dir);
    }

    public Path logs() {
        return processes().logs();
    }

    public Path pids() {
        return processes().pids();
    }

    public Path kafkaDir() {
        return dir.resolve("kafka");
    }

    public Path registryDir() {
        return dir.resolve("registry");
    }

    public Path glanceDir() {
        return dir.resolve("glance");
    }

    public Path glanceData() {
        return glanceDir().resolve("data");
    }

    public Path keystoneDir() {
        return dir.resolve("keystone");
    }

    public Path openrc() {
        return dir.resolve("openrc");
    }

    public Path cloudsYaml() {
        return dir.resolve("clouds.yaml");
    }

    public Path disableFile(String host) {
        return glanceDir().resolve("hc-disable-" + host);
    }

    /** A process of the stack: its pid file and log. */
    public StackProcess process(String name) {
        return processes().process(name);
    }

    /** JVM argument that marks a JVM as this component of this state directory (see {@link StackProcess}). */
    public String jvmMarker(String name) {
        return processes().jvmMarker(name);
    }
}
