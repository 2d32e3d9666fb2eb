package io.imagelib.ilctl.stack;

import io.imagelib.deploy.local.HttpProbe;
import io.imagelib.deploy.local.PostgresCluster;
import io.imagelib.deploy.local.StackProcess;
import io.imagelib.ilctl.IlctlException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The real Glance hosts' one shared database: the stack's {@link PostgresCluster} in {@code DIR/postgres} (or where
 * {@link PostgresCluster#at} relocates it), recorded under pids/ like every other process, so {@code status} shows
 * it and {@code down} stops it.
 */
final class GlanceDatabase {

    static final String NAME = "postgres";
    /** 5432 is the Debian package's own cluster; ours must not take its place. */
    private static final int DEFAULT_PORT = 5433;

    private GlanceDatabase() {
    }

    static int port(StackConfig config) {
        return DEFAULT_PORT + config.portOffset();
    }

    /** SQLAlchemy URL for glance-api; trust authentication, on 127.0.0.1 only. */
    static String connectionUrl(StackConfig config) {
        return PostgresCluster.connectionUrl("127.0.0.1", port(config));
    }

    static Path place(StackLayout layout) {
        return layout.dir().resolve(NAME);
    }

    /** Starts the cluster unless it runs; returns true when it was created now (an empty database, schema to sync). */
    static boolean start(StackConfig config, StackLayout layout, PrintWriter out) {
        StackProcess process = layout.process(NAME);
        String address = "127.0.0.1:" + port(config);
        Optional<ProcessHandle> running = process.running();
        if (running.isPresent()) {
            out.printf("  %-22s %-40s already running (PID %d)%n", NAME, address, running.get().pid());
            return false;
        }
        Path bin = PostgresCluster.binaries().orElseThrow(() -> IlctlException.stack("No PostgreSQL server under /usr/lib/postgresql; run ilctl up --install-glance"));
        PostgresCluster cluster = PostgresCluster.at(bin, place(layout), port(config), layout.logs().resolve(NAME + ".log"));
        boolean created = !cluster.exists();
        try {
            long pid = cluster.startOrCreate(List.of(), List.of());
            process.record(pid, cluster.data().toString());
            out.printf("  %-22s %-40s %s (PID %d), database %s in %s%n", NAME, address, created ? "created and started" : "started",
                    pid, PostgresCluster.DATABASE, cluster.data());
        } catch (IllegalStateException e) {
            throw IlctlException.stack("PostgreSQL did not start on " + address + " (port taken? try another --port-offset): " + e.getMessage());
        }
        return created;
    }

    static ComponentStatus status(StackConfig config, StackLayout layout) {
        String kind = "PostgreSQL (Glance DB)";
        String address = "127.0.0.1:" + port(config);
        Optional<ProcessHandle> running = layout.process(NAME).running();
        if (running.isEmpty()) {
            return new ComponentStatus(NAME, kind, null, address, "stopped", "-");
        }
        return new ComponentStatus(NAME, kind, running.get().pid(), address, "running",
                HttpProbe.accepts(port(config)) ? "ready" : "no answer");
    }
}
