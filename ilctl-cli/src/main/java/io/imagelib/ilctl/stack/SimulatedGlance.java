package io.imagelib.ilctl.stack;

import io.imagelib.deploy.local.JavaCommand;
import io.imagelib.deploy.local.Lifetime;
import io.imagelib.ilctl.IlctlException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
        GlanceHosts.startEach(config, layout, out, (host, process) -> {
            String marker = layout.jvmMarker(host.name());
            return process.start(List.of(JavaCommand.java(), "-Xmx128m", marker, "-jar", jar.toString(), "--port=" + host.port(),
                    "--data-dir=" + layout.glanceData(), "--disable-file=" + layout.disableFile(host.name())), marker, Map.of(),
                    layout.glanceDir(), Lifetime.DETACHED);
        }, READY_TIMEOUT);
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
