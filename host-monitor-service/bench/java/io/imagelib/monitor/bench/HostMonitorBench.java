package io.imagelib.monitor.bench;

import com.sun.management.OperatingSystemMXBean;
import io.imagelib.monitor.config.MonitorProperties;
import io.imagelib.monitor.domain.HostStatus;
import io.imagelib.monitor.domain.Transition;
import io.imagelib.monitor.probe.ApacheHealthProbe;
import io.imagelib.monitor.probe.HealthProbe;
import io.imagelib.monitor.probe.HostProber;
import io.imagelib.monitor.probe.HostTarget;
import io.imagelib.monitor.probe.ProbeMetrics;
import io.imagelib.monitor.probe.ProbeSettings;
import io.imagelib.monitor.probe.TransitionSink;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.StandardEnvironment;

/**
 * The production prober (HttpHealthProbe + HostProber, default settings from {@link MonitorProperties}) against
 * N simulated Glance hosts in a child process. Measures the monitor process's CPU (process CPU time / wall), the probe
 * rate achieved, flaps among healthy hosts, and detection latency when subsets of hosts stop, hang or drain.
 * Kafka is not in the loop: publishing happens only on transitions (rare) and is measured by HostMonitorIT.
 * <p>
 * Args: hosts (2000), measure seconds (30), hosts per fault kind (100). Settings can be overridden with system
 * properties, e.g. {@code -Dimagelib.monitor.interval=500ms}.
 */
public final class HostMonitorBench {

    record Detection(int host, HostStatus to, String reason, Instant at) {
    }

    /** {@code -Dbench.probe=apache}: Apache HttpClient 5 instead of the production client named by imagelib.monitor.client. */
    private static final String APACHE = "apache";

    private static HealthProbe probe(MonitorProperties properties, int hosts) {
        ProbeSettings settings = properties.probeSettings();
        return APACHE.equals(System.getProperty("bench.probe"))
                ? new ApacheHealthProbe(settings, Clock.systemUTC(), hosts)
                : properties.client().create(settings, Clock.systemUTC());
    }

    public static void main(String[] args) throws Exception {
        int hosts = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int measureSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int perFault = args.length > 2 ? Integer.parseInt(args[2]) : 100;

        MonitorProperties properties = Binder.get(new StandardEnvironment())
                .bindOrCreate("imagelib.monitor", MonitorProperties.class);
        ProbeSettings settings = properties.probeSettings();
        double targetRate = hosts * 1000.0 / settings.interval().toMillis();
        System.out.printf("client=%s hosts=%d interval=%s (target %.0f probes/s) connect=%s read=%s rise=%d fall=%d deepEvery=%d cores=%d%n",
                APACHE.equals(System.getProperty("bench.probe")) ? APACHE : properties.client(), hosts, settings.interval(), targetRate, settings.connectTimeout(), settings.readTimeout(),
                properties.rise(), properties.fall(), properties.deepEvery(), Runtime.getRuntime().availableProcessors());

        Process sim = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), SimulatedGlanceHosts.class.getName(), Integer.toString(hosts))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        var simOut = new BufferedReader(new InputStreamReader(sim.getInputStream(), StandardCharsets.UTF_8));
        var simIn = new PrintWriter(sim.getOutputStream(), true, StandardCharsets.UTF_8);
        String[] ports = simOut.readLine().substring("READY ".length()).split(",");

        Map<Integer, Detection> detections = new ConcurrentHashMap<>();
        AtomicLong transitions = new AtomicLong();
        TransitionSink sink = new TransitionSink() {
            @Override
            public void transition(HostTarget host, Transition transition) {
                transitions.incrementAndGet();
                int index = Integer.parseInt(host.hostId().substring(1));
                if (transition.from() != HostStatus.UNKNOWN) {
                    detections.putIfAbsent(index, new Detection(index, transition.to(), transition.reason(), Instant.now()));
                }
            }

            @Override
            public void removed(String hostId) {
            }
        };
        var meters = new SimpleMeterRegistry();
        var scheduler = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().name("probe-scheduler").daemon().factory());
        scheduler.setRemoveOnCancelPolicy(true);
        var prober = new HostProber(probe(properties, hosts), sink, settings, scheduler, new ProbeMetrics(meters));

        long startNanos = System.nanoTime();
        for (int i = 0; i < hosts; i++) {
            prober.watch(new HostTarget("h" + i, "BENCH", URI.create("http://127.0.0.1:" + ports[i])));
        }
        long nextReport = System.nanoTime();
        while (prober.countsByStatus().getOrDefault(HostStatus.UP, 0L) < hosts) {
            if (System.nanoTime() - startNanos > Duration.ofSeconds(90).toNanos()) {
                System.out.printf("DID NOT SETTLE within 90 s: %s, outcomes %s%n", prober.countsByStatus(), outcomes(meters));
                sim.destroy();
                System.exit(2);
            }
            if (System.nanoTime() > nextReport) {
                System.out.printf("settling: %s, outcomes %s%n", prober.countsByStatus(), outcomes(meters));
                nextReport = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            }
            Thread.sleep(50);
        }
        System.out.printf("all %d hosts UP %d ms after watch%n", hosts, (System.nanoTime() - startNanos) / 1_000_000);
        Thread.sleep(10_000); // JIT warm-up

        var os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long transitionsBefore = transitions.get();
        Window steady = Window.start(os, meters, sim);
        Thread.sleep(measureSeconds * 1000L);
        steady.finish(os, meters, sim);
        System.out.printf("steady state, %d s: monitor CPU %.1f%% of one core (%.2f of 2 cores), %.0f probes/s (%.0f%% of target), "
                        + "skipped %.0f, flaps %d; simulated hosts CPU %.1f%% of one core%n",
                measureSeconds, steady.cpuPercent(), steady.cpuPercent() / 200, steady.probeRate(),
                100 * steady.probeRate() / targetRate, steady.skipped(), transitions.get() - transitionsBefore,
                steady.simCpuPercent());

        List<String> faults = List.of("stop", "hang", "drain");
        Map<String, Long> faultAtMicros = new ConcurrentHashMap<>();
        detections.clear(); // only what the faults cause
        Window faulted = Window.start(os, meters, sim);
        for (int k = 0; k < faults.size(); k++) {
            simIn.println(faults.get(k) + " " + k * perFault + " " + (k + 1) * perFault);
            faultAtMicros.put(faults.get(k), Long.parseLong(simOut.readLine().substring("ACK ".length())));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (detections.size() < faults.size() * perFault && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        Thread.sleep(5_000); // hung hosts keep sockets open: measure the cost of probing them too
        faulted.finish(os, meters, sim);

        for (int k = 0; k < faults.size(); k++) {
            String fault = faults.get(k);
            long at = faultAtMicros.get(fault);
            List<Long> latencies = new ArrayList<>();
            List<String> outcomes = new ArrayList<>();
            for (int host = k * perFault; host < (k + 1) * perFault; host++) {
                Detection d = detections.get(host);
                if (d != null) {
                    latencies.add((d.at().getEpochSecond() * 1_000_000 + d.at().getNano() / 1000 - at) / 1000);
                    outcomes.add(d.to() + "/" + d.reason());
                }
            }
            latencies.sort(null);
            System.out.printf("%-5s %d hosts: detected %d, %s; detection ms p50=%d p99=%d max=%d%n", fault, perFault,
                    latencies.size(), outcomes.stream().distinct().toList(), percentile(latencies, 50),
                    percentile(latencies, 99), latencies.isEmpty() ? -1 : latencies.getLast());
        }
        long healthyFlaps = detections.keySet().stream().filter(h -> h >= faults.size() * perFault).count();
        System.out.printf("with %d hosts faulty: monitor CPU %.1f%% of one core, %.0f probes/s, skipped %.0f; "
                        + "healthy hosts that changed status: %d%n",
                faults.size() * perFault, faulted.cpuPercent(), faulted.probeRate(), faulted.skipped(), healthyFlaps);

        prober.close();
        scheduler.shutdownNow();
        simIn.close();
        sim.destroy();
        System.exit(0);
    }

    private static Map<String, Double> outcomes(SimpleMeterRegistry meters) {
        Map<String, Double> byOutcome = new java.util.TreeMap<>();
        meters.find(ProbeMetrics.PROBES).counters().forEach(c -> byOutcome.merge(c.getId().getTag("outcome"), c.count(), Double::sum));
        return byOutcome;
    }

    private static long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(rank, 1) - 1);
    }

    /** CPU and probe counters over a wall-clock window. */
    private static final class Window {
        private long wall0;
        private long cpu0;
        private long simCpu0;
        private double probes0;
        private double skipped0;
        private double wallNanos;
        private double cpuNanos;
        private double simCpuNanos;
        private double probes;
        private double skippedCount;

        static Window start(OperatingSystemMXBean os, SimpleMeterRegistry meters, Process sim) {
            var w = new Window();
            w.wall0 = System.nanoTime();
            w.cpu0 = os.getProcessCpuTime();
            w.simCpu0 = simCpu(sim);
            w.probes0 = count(meters, ProbeMetrics.PROBES);
            w.skipped0 = count(meters, ProbeMetrics.SKIPPED);
            return w;
        }

        void finish(OperatingSystemMXBean os, SimpleMeterRegistry meters, Process sim) {
            wallNanos = System.nanoTime() - wall0;
            cpuNanos = os.getProcessCpuTime() - cpu0;
            simCpuNanos = simCpu(sim) - simCpu0;
            probes = count(meters, ProbeMetrics.PROBES) - probes0;
            skippedCount = count(meters, ProbeMetrics.SKIPPED) - skipped0;
        }

        double cpuPercent() {
            return 100 * cpuNanos / wallNanos;
        }

        double simCpuPercent() {
            return 100 * simCpuNanos / wallNanos;
        }

        double probeRate() {
            return probes * 1e9 / wallNanos;
        }

        double skipped() {
            return skippedCount;
        }

        private static long simCpu(Process sim) {
            return sim.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
        }

        private static double count(SimpleMeterRegistry meters, String name) {
            return meters.find(name).counters().stream().mapToDouble(Counter::count).sum();
        }
    }
}
