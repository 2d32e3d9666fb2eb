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
 * @param replicas   instances of every service; instance n listens on its port + 100 × (n − 1)
 */
public record StackConfig(int portOffset, int hosts, String region, GlanceMode glance, int replicas) {

    public static final int KAFKA_PORT = 9092;
    public static final int REGISTRY_PORT = 8081;
    public static final int FIRST_HOST_PORT = 9301;
    /** Instance 5's ports (base + 400) stay clear of the Glance hosts' 9301+ and of a stack at --port-offset 1000. */
    public static final int MAX_REPLICAS = 5;

    public StackConfig {
        if (hosts < 1 || hosts > 50) {
            throw new IllegalArgumentException("--hosts takes 1 to 50, not " + hosts);
        }
        if (portOffset < 0 || portOffset > 50000) {
            throw new IllegalArgumentException("--port-offset takes 0 to 50000, not " + portOffset);
        }
        if (replicas < 1 || replicas > MAX_REPLICAS) {
            throw new IllegalArgumentException("--replicas takes 1 to " + MAX_REPLICAS + ", not " + replicas);
        }
    }

    /** One instance of every service. */
    public StackConfig(int portOffset, int hosts, String region, GlanceMode glance) {
        this(portOffset, hosts, region, glance, 1);
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
        return port(service, 1);
    }

    public int port(ServiceModule service, int instance) {
        return PortPlan.offset(portOffset).port(service, instance);
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + kafkaPort();
    }

    public String registryUrl() {
        return "http://127.0.0.1:" + registryPort() + "/apis/ccompat/v7";
    }

    /** The first instance's URL. */
    public String serviceUrl(ServiceModule service) {
        return serviceUrl(service, 1);
    }

    public String serviceUrl(ServiceModule service, int instance) {
        return "http://127.0.0.1:" + port(service, instance);
    }

    /** Every instance's URL, comma-separated: what ilctl's --*-url options and Nova's api_servers take. */
    public String serviceUrls(ServiceModule service) {
        List<String> urls = new ArrayList<>();
        for (int instance = 1; instance <= replicas; instance++) {
            urls.add(serviceUrl(service, instance));
        }
        return String.join(",", urls);
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
        props.setProperty("replicas", Integer.toString(replicas));
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
                GlanceMode.valueOf(props.getProperty("glance", GlanceMode.simulated.name())),
                Integer.parseInt(props.getProperty("replicas", "1"))));
    }
}
