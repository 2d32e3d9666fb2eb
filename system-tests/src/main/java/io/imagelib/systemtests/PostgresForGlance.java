package io.imagelib.systemtests;

import io.imagelib.deploy.local.LocalResources;
import io.imagelib.deploy.local.PostgresCluster;
import java.nio.file.Path;
import java.util.List;

/**
 * The test bed's {@link PostgresCluster}, owned by the test: created in {@code dir} (or where {@link PostgresCluster#at}
 * relocates it), listening on 127.0.0.1 and on the bridge address so hosts in namespaces reach it, stopped and
 * deleted on {@link #close}.
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
     * Creates and starts a cluster with its database in {@code dir} (which must not exist), listening on 127.0.0.1 and
     * {@code extraListenAddress} (which must already exist on an interface).
     */
    public static PostgresForGlance start(Path dir, String extraListenAddress) {
        Path bin = PostgresCluster.binaries().orElseThrow(() -> new IllegalStateException(
                "No PostgreSQL server under /usr/lib/postgresql; run system-tests/run.sh"));
        PostgresForGlance pg = new PostgresForGlance(dir, PostgresCluster.at(bin, dir, LocalResources.freePort(),
                dir.resolveSibling("postgres.log")), extraListenAddress);
        // Stop it even when the JVM is stopped before close() runs (pg_ctl daemonizes the server).
        Runtime.getRuntime().addShutdownHook(new Thread(pg::close, "ilsys-postgres-stop"));
        pg.cluster.startOrCreate(List.of(extraListenAddress), List.of(TestNetwork.SUBNET_PREFIX + "0/24"));
        return pg;
    }

    /** SQLAlchemy URL as seen from a Glance host in a namespace. */
    public String glanceConnectionUrl() {
        return PostgresCluster.connectionUrl(listenAddress, cluster.port());
    }

    @Override
    public void close() {
        cluster.stopNow();
        LocalResources.deleteTree(cluster.data());
        LocalResources.deleteTree(dir);
    }
}
