package io.imagelib.ilctl.stack;

import io.imagelib.deploy.local.HttpProbe;
import io.imagelib.deploy.local.LocalResources;
import io.imagelib.deploy.local.PostgresCluster;
import io.imagelib.deploy.local.Shell;
import io.imagelib.deploy.local.StackProcess;
import io.imagelib.ilctl.IlctlException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The real Glance hosts' one shared database: the stack's {@link PostgresCluster} (initdb once, pg_ctl start),
 * recorded under pids/ like every other process, so {@code status} shows it and {@code down} stops it.
 *
 * <p>Under root the cluster runs as the {@code postgres} OS user, which must reach its data directory through every
 * parent. {@code DIR/postgres} is used when it can (e.g. a checkout
 * under /work); when DIR lies below a directory closed to others (a checkout under /root), the cluster lives in
 * {@code /var/tmp/ilctl-postgres-<hash of DIR>} and {@code DIR/postgres} is a symlink to it.
 */
final class GlanceDatabase {

    static final String NAME = "postgres";
    /** 5432 is the Debian package's own cluster; ours must not take its place. */
    private static final int DEFAULT_PORT = 5433;
    private static final Path RELOCATED_PARENT = Path.of("/var/tmp");

    private GlanceDatabase() {
    }

    static int port(StackConfig config) {
        return DEFAULT_PORT + config.portOffset();
    }

    /** SQLAlchemy URL for glance-api; trust authentication, on 127.0.0.1 only. */
    static String connectionUrl(StackConfig config) {
        return PostgresCluster.connectionUrl("127.0.0.1", port(config));
    }

    /** Where the cluster lives: {@code DIR/postgres}, or the directory that symlink points to. */
    static Path dataDir(StackLayout layout) {
        Path inDir = layout.dir().resolve(NAME);
        try {
            return Files.isSymbolicLink(inDir) ? Files.readSymbolicLink(inDir) : inDir;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the symlink " + inDir, e);
        }
    }

    /** The cluster's place when the postgres user cannot reach DIR: one per DIR, found again on the next up. */
    static Path relocatedDataDir(StackLayout layout) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(layout.dir().toString().getBytes(StandardCharsets.UTF_8));
            return RELOCATED_PARENT.resolve("ilctl-postgres-" + HexFormat.of().formatHex(hash).substring(0, 12));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
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
        Path log = layout.logs().resolve(NAME + ".log");
        PostgresCluster cluster = new PostgresCluster(bin, dataDir(layout), port(config), log);
        boolean created = !cluster.exists();
        try {
            if (created) {
                cluster = new PostgresCluster(bin, placeNewCluster(layout), port(config), log);
                cluster.init(List.of(), List.of());
            }
            long pid = cluster.start();
            process.record(pid, cluster.data().toString());
            if (created) {
                cluster.createDatabase();
            }
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

    /**
     * DIR/postgres when the server's OS user reaches it, else the relocated directory with DIR/postgres linking to it.
     * A relocated directory without that link is a leftover of an earlier stack whose DIR was deleted: its database
     * described images that are gone with DIR/glance/data, so it is started afresh.
     */
    private static Path placeNewCluster(StackLayout layout) {
        Path inDir = layout.dir().resolve(NAME);
        if (!PostgresCluster.runningAsRoot() || reachableByOsUser(layout.dir())) {
            return inDir;
        }
        Path relocated = relocatedDataDir(layout);
        try {
            if (!Files.isSymbolicLink(inDir)) {
                LocalResources.deleteTree(relocated);
                Files.deleteIfExists(inDir);
                Files.createSymbolicLink(inDir, relocated);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot link " + inDir + " to " + relocated, e);
        }
        return relocated;
    }

    private static boolean reachableByOsUser(Path dir) {
        return Shell.exec(Shell.DEFAULT_TIMEOUT, PostgresCluster.asOsUser("test", "-x", dir.toString()).toArray(String[]::new)).ok();
    }
}
