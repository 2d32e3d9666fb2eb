package io.imagelib.systemtests;

import io.imagelib.deploy.local.LocalResources;
import io.imagelib.deploy.local.PostgresCluster;
import io.imagelib.deploy.local.Shell;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The test bed's {@link PostgresCluster}, owned by the test: in a new directory under /tmp, listening on 127.0.0.1
 * and on the bridge address so hosts in namespaces reach it, stopped and deleted on {@link #close}.
 */
public final class PostgresForGlance implements AutoCloseable {

    private final Path dir;
    private final PostgresCluster cluster;
    private final String listenAddress;

    private PostgresForGlance(Path dir, PostgresCluster cluster, String listenAddress) {
        this.dir = dir;
        this.cluster = cluster;
        this.listenAddress = listenAddress;
    }

    /**
     * Initializes and starts a cluster in a new directory under /tmp (the postgres user must reach it through every
     * parent, which a build directory under /root or /work may not allow), listening on 127.0.0.1 and
     * {@code extraListenAddress} (which must already exist on an interface), and creates the database.
     */
    public static PostgresForGlance start(String extraListenAddress) {
        Path bin = PostgresCluster.binaries().orElseThrow(() -> new IllegalStateException(
                "No PostgreSQL server under /usr/lib/postgresql; run system-tests/run.sh"));
        try {
            Path dir = Files.createTempDirectory(Path.of("/tmp"), "ilsys-pg-");
            Shell.run("chown", PostgresCluster.OS_USER + ":" + PostgresCluster.OS_USER, dir.toString());
            PostgresForGlance pg = new PostgresForGlance(dir, new PostgresCluster(bin, dir.resolve("data"), LocalResources.freePort(),
                    dir.resolve("postgres.log")), extraListenAddress);
            // Stop it even when the JVM is stopped before close() runs (pg_ctl daemonizes the server).
            Runtime.getRuntime().addShutdownHook(new Thread(pg::close, "ilsys-postgres-stop"));
            pg.cluster.init(List.of(extraListenAddress), List.of(TestNetwork.SUBNET_PREFIX + "0/24"));
            pg.cluster.start();
            pg.cluster.createDatabase();
            return pg;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a PostgreSQL directory in /tmp", e);
        }
    }

    /** SQLAlchemy URL as seen from a Glance host in a namespace. */
    public String glanceConnectionUrl() {
        return PostgresCluster.connectionUrl(listenAddress, cluster.port());
    }

    @Override
    public void close() {
        cluster.stopNow();
        LocalResources.deleteTree(dir);
    }
}
