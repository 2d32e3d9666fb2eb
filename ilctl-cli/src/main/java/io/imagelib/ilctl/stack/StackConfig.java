package io.imagelib.ilctl.stack;

import io.imagelib.deploy.local.PortPlan;
import io.imagelib.deploy.local.ServiceModule;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * How a local stack is laid out: every port is the conventional one plus {@code portOffset}, so two stacks (or a
 * test next to a developer's stack) run side by side with {@code --port-offset}.
 *
 * @param portOffset added to every default port
 * @param hosts      number of Glance hosts
 * @param region     region the hosts get the role in
 * @param glance     real Glance hosts or the simulator
 */
public record StackConfig(int portOffset, int hosts, String region, GlanceMode glance) {

    public static final int KAFKA_PORT = 9092;
    public static final int REGISTRY_PORT = 8081;
    public static final int FIRST_HOST_PORT = 9301;

    public StackConfig {
        if (hosts < 1 || hosts > 50) {
            throw new IllegalArgumentException("--hosts takes 1 to 50, not " + hosts);
        }
        if (portOffset < 0 || portOffset > 50000) {
            throw new IllegalArgumentException("--port-offset takes 0 to 50000, not " + portOffset);
        }
    }

    /** Real Glance ({@code /usr/bin/glance-api}) or the glance-simulator module. */
    public enum GlanceMode { real, simulated }

    public int kafkaPort() {
        return KAFKA_PORT + portOffset;
    }

    public int registryPort() {
        return REGISTRY_PORT + portOffset;
    }

    public int port(ServiceModule service) {
        return PortPlan.offset(portOffset).port(service);
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + kafkaPort();
    }

    public String registryUrl() {
        return "http://127.0.0.1:" + registryPort() + "/apis/ccompat/v7";
    }

    public String serviceUrl(ServiceModule service) {
        return "http://127.0.0.1:" + port(service);
    }

    public List<GlanceHost> glanceHosts() {
        List<GlanceHost> list = new ArrayList<>();
        for (int i = 1; i <= hosts; i++) {
            list.add(new GlanceHost("host-" + i, FIRST_HOST_PORT + portOffset + i - 1, glance == GlanceMode.simulated));
        }
        return list;
    }

    public void save(Path file) {
        Properties props = new Properties();
        props.setProperty("port-offset", Integer.toString(portOffset));
        props.setProperty("hosts", Integer.toString(hosts));
        props.setProperty("region", region);
        props.setProperty("glance", glance.name());
        try {
            Files.createDirectories(file.getParent());
            try (Writer out = Files.newBufferedWriter(file)) {
                props.store(out, "written by ilctl up; read by ilctl status and ilctl down");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    public static Optional<StackConfig> load(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        return Optional.of(new StackConfig(Integer.parseInt(props.getProperty("port-offset", "0")),
                Integer.parseInt(props.getProperty("hosts", "3")), props.getProperty("region", "RegionOne"),
                GlanceMode.valueOf(props.getProperty("glance", GlanceMode.simulated.name()))));
    }
}
