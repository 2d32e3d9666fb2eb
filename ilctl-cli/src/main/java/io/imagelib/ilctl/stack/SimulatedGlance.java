package io.imagelib.ilctl.stack;

import io.imagelib.ilctl.IlctlException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Glance hosts played by the glance-simulator module (the Glance v2 subset the router uses), for machines without
 * glance-api. Every line of output calls them simulated, so nobody mistakes them for Glance.
 */
public final class SimulatedGlance implements GlanceLauncher {

    private static final String MODULE = "glance-simulator";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final Project project;

    public SimulatedGlance(Project project) {
        this.project = project;
    }

    @Override
    public Optional<String> module() {
        return Optional.of(MODULE);
    }

    @Override
    public void start(StackConfig config, StackLayout layout, PrintWriter out) {
        Path jar = project.jar(MODULE).orElseThrow(() -> IlctlException.stack(
                "No glance-simulator jar; build it with ./mvnw -pl glance-simulator -am package -DskipTests"));
        SharedStore.prepare(layout);
        List<GlanceHost> started = new ArrayList<>();
        for (GlanceHost host : config.glanceHosts()) {
            StackProcess process = layout.process(host.name());
            Optional<ProcessHandle> running = process.running();
            if (running.isPresent()) {
                out.printf("  %-22s %-40s simulated Glance, already running (PID %d)%n", host.name(), host.url(), running.get().pid());
                continue;
            }
            String marker = layout.jvmMarker(host.name());
            List<String> command = List.of(LocalStack.javaBinary(), "-Xmx128m", marker, "-jar", jar.toString(),
                    "--port=" + host.port(), "--data-dir=" + layout.glanceData(), "--disable-file=" + layout.disableFile(host.name()));
            ProcessHandle handle = process.start(command, marker, Map.of(), layout.glanceDir());
            out.printf("  %-22s %-40s simulated Glance, started (PID %d)%n", host.name(), host.url(), handle.pid());
            started.add(host);
        }
        out.flush();
        for (GlanceHost host : started) {
            Readiness.await(layout.process(host.name()), host.url() + "/healthcheck", READY_TIMEOUT);
        }
    }

    /** The shared data directory and its id file, as an operator prepares an NFS share (role-service checks the id). */
    static final class SharedStore {

        private SharedStore() {
        }

        static void prepare(StackLayout layout) {
            try {
                Files.createDirectories(layout.glanceData());
                Path idFile = layout.glanceData().resolve(".imagelib-storage-id");
                if (!Files.isRegularFile(idFile)) {
                    Files.writeString(idFile, LocalStack.STORAGE_ID + "\n");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot prepare the shared store " + layout.glanceData(), e);
            }
        }
    }
}
