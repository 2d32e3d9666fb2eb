package io.imagelib.glancesim;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar glance-simulator.jar --port=9292 --data-dir=/tmp/glance-shared [--bind=127.0.0.1]
 * [--disable-file=/tmp/hc-disable-9292] [--latency-ms=0]}
 */
public final class GlanceSimulatorMain {

    private GlanceSimulatorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> options = parse(args);
        String dataDir = options.get("data-dir");
        if (dataDir == null) {
            System.err.println("usage: --data-dir=DIR [--port=9292] [--bind=127.0.0.1] [--disable-file=FILE] [--latency-ms=0]");
            System.exit(2);
        }
        SimulatorConfig config = new SimulatorConfig(
                options.getOrDefault("bind", "127.0.0.1"),
                Integer.parseInt(options.getOrDefault("port", "9292")),
                Path.of(dataDir),
                Optional.ofNullable(options.get("disable-file")).map(Path::of),
                Duration.ofMillis(Long.parseLong(options.getOrDefault("latency-ms", "0"))));
        GlanceSimulator simulator = GlanceSimulator.start(config);
        System.out.println("Glance SIMULATOR listening on " + simulator.baseUri() + ", data in " + config.dataDir());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            simulator.close();
            stopped.countDown();
        }));
        stopped.await();
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                throw new IllegalArgumentException("Options look like --name=value, got " + arg);
            }
            int eq = arg.indexOf('=');
            options.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        return options;
    }
}
