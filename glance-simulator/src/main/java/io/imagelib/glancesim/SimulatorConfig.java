package io.imagelib.glancesim;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How one simulated Glance host runs. Several hosts given the same {@code dataDir} behave like Glance hosts on
 * shared storage: any of them serves any image.
 *
 * @param bindAddress  address to listen on (loopback by default)
 * @param port         TCP port, 0 for an ephemeral one
 * @param dataDir      shared state: image metadata JSON and image data files
 * @param disableFile  when this file exists, {@code /healthcheck} answers 503 "DISABLED BY FILE" (Glance's
 *                     {@code disable_by_file_paths} drain switch)
 * @param latency      artificial delay before every request is handled
 */
public record SimulatorConfig(String bindAddress, int port, Path dataDir, Optional<Path> disableFile, Duration latency) {

    public SimulatorConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        disableFile = disableFile == null ? Optional.empty() : disableFile;
        latency = latency == null ? Duration.ZERO : latency;
    }

    public static SimulatorConfig onLoopback(Path dataDir) {
        return new SimulatorConfig("127.0.0.1", 0, dataDir, Optional.empty(), Duration.ZERO);
    }

    public SimulatorConfig withPort(int newPort) {
        return new SimulatorConfig(bindAddress, newPort, dataDir, disableFile, latency);
    }

    public SimulatorConfig withDisableFile(Path file) {
        return new SimulatorConfig(bindAddress, port, dataDir, Optional.of(file), latency);
    }

    public SimulatorConfig withLatency(Duration delay) {
        return new SimulatorConfig(bindAddress, port, dataDir, disableFile, delay);
    }
}
