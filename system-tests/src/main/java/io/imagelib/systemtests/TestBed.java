package io.imagelib.systemtests;

import io.imagelib.deploy.local.LocalResources;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The real-world part of every scenario: bridge and namespaces, a private PostgreSQL, N Glance hosts over one
 * shared data directory. {@link #close} tears down in reverse order and always removes the network.
 */
public final class TestBed implements AutoCloseable {

    private final TestNetwork network;
    private final PostgresForGlance postgres;
    private final GlanceHosts glance;
    private final Duration startTime;

    private TestBed(TestNetwork network, PostgresForGlance postgres, GlanceHosts glance, Duration startTime) {
        this.network = network;
        this.postgres = postgres;
        this.glance = glance;
        this.startTime = startTime;
    }

    /** Starts everything under {@code root} (wiped first); on failure undoes what was started and rethrows. */
    public static TestBed start(Path root, int hostCount) {
        long t0 = System.nanoTime();
        LocalResources.deleteTree(root);
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TestNetwork network = TestNetwork.create();
        PostgresForGlance postgres = null;
        try {
            postgres = PostgresForGlance.start(root.resolve("postgres"), TestNetwork.ROOT_ADDRESS);
            GlanceHosts glance = GlanceHosts.start(root.resolve("glance"), network, postgres, hostCount);
            TestBed bed = new TestBed(network, postgres, glance, Duration.ofNanos(System.nanoTime() - t0));
            GlanceHosts.report("test bed (network, PostgreSQL, db_sync, %d hosts) up in %d ms", hostCount, bed.startTime.toMillis());
            return bed;
        } catch (RuntimeException e) {
            if (postgres != null) {
                postgres.close();
            }
            network.close();
            throw e;
        }
    }

    public GlanceHosts glance() {
        return glance;
    }

    @Override
    public void close() {
        try {
            glance.close();
        } finally {
            try {
                postgres.close();
            } finally {
                network.close();
            }
        }
    }
}
