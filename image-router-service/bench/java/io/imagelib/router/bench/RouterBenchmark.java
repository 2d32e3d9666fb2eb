package io.imagelib.router.bench;

import io.imagelib.avro.AdminChangeReason;
import io.imagelib.avro.AdminEndpoint;
import io.imagelib.avro.HealthStatus;
import io.imagelib.avro.HostHealth;
import io.imagelib.avro.HostRole;
import io.imagelib.avro.StorageBackend;
import io.imagelib.avro.StorageType;
import io.imagelib.glancesim.GlanceSimulator;
import io.imagelib.glancesim.SimulatorConfig;
import io.imagelib.router.DownExclusionProbe;
import io.imagelib.router.ImageRouterApplication;
import io.imagelib.router.domain.LiveHosts;
import io.imagelib.router.web.DataPlane;
import io.imagelib.schemas.topics.Topics;
import io.imagelib.testing.KafkaTestBroker;
import io.imagelib.testing.TypedKafka;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

/**
 * Router vs direct, side by side in one run against the same simulated Glance host: download throughput, metadata
 * GET latency (p50/p99) and CPU seconds per GB moved. Not part of verify; run with bench/run.sh.
 * Rounds take direct, routed, the data plane (splice) and a bare TCP relay (the floor of any copying proxy) in turn so that machine load
 * drifts hit all alike; a NIC-like case (upstream paced at a fixed rate) is measured in addition.
 */
class RouterBenchmark {

    private static final long IMAGE_BYTES = Long.getLong("bench.imageMb", 256) * 1024 * 1024;
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 4);
    private static final int STREAMS = Integer.getInteger("bench.streams", 2);
    private static final int METADATA_GETS = Integer.getInteger("bench.metadataGets", 2000);
    private static final int NIC_MBIT = Integer.getInteger("bench.nicMbit", 1000);
    private static final int NIC_ROUNDS = Integer.getInteger("bench.nicRounds", 2);
    private static final int CONCURRENT = Integer.getInteger("bench.concurrent", 500);
    private static final int CONCURRENT_ROUNDS = Integer.getInteger("bench.concurrentRounds", 10);
    private static final long CONCURRENT_IMAGE_BYTES = Long.getLong("bench.concurrentMb", 64) * 1024 * 1024;
    private static final String REGION = "BENCH";
    private static final String NIC_REGION = "BENCH-NIC";
    /** Arguments of a second router measured as column routed-B (comma separated; empty: no second router). */
    private static final List<String> VARIANT = System.getProperty("bench.variant", "").isBlank() ? List.of()
            : List.of(System.getProperty("bench.variant").split(","));
    /**
     * Arguments of a second router whose data plane is measured as column dataplane-B in the same run (comma separated;
     * empty: none). By default the settings the first one does without: no upstream keep-alive, 1 MiB pipes.
     */
    private static final List<String> DATA_PLANE_B = List.of(System.getProperty("bench.dataPlaneB",
            "--imagelib.router.data-plane.upstream-keep-alive=0,--imagelib.router.data-plane.pipe-size=1MB").split(","))
            .stream().filter(arg -> !arg.isBlank()).toList();
    /** Both data planes: the metadata reads' upstream timings with percentiles, to tell where a GET's time goes. */
    private static final List<String> DATA_PLANE = List.of("--imagelib.router.data-plane.enabled=true",
            "--imagelib.router.data-plane.port=0", "--imagelib.router.data-plane.address=127.0.0.1",
            "--management.metrics.distribution.percentiles.imagelib.router.upstream.requests=0.5,0.99",
            "--management.metrics.distribution.percentiles.imagelib.router.dataplane.upstream.connect=0.5,0.99");

    static {
        // The router's setting, for the bench client too: both sides of the comparison use the same client buffers.
        ImageRouterApplication.useLargeUpstreamBuffers();
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    @Test
    void routerAgainstDirect() throws Exception {
        Path data = Files.createTempDirectory("router-bench");
        try (KafkaTestBroker kafka = new KafkaTestBroker().start();
             GlanceSimulator glance = GlanceSimulator.start(SimulatorConfig.onLoopback(data));
             PacedImageServer nic = new PacedImageServer(IMAGE_BYTES, NIC_MBIT * 1_000_000L);
             ByteRelay relay = new ByteRelay(glance.baseUri(), false);
             ByteRelay directRelay = new ByteRelay(glance.baseUri(), true);
             Closer extras = new Closer()) {
            Optional<HaproxyReference> spliced = extras.add(HaproxyReference.start(glance.baseUri(), true));
            Optional<HaproxyReference> copying = extras.add(HaproxyReference.start(glance.baseUri(), false));
            String imageId = upload(glance.baseUri(), IMAGE_BYTES);
            register(kafka.typed(), REGION, "bench-h1", glance.baseUri());
            register(kafka.typed(), NIC_REGION, "bench-nic", nic.baseUri());
            // The data plane (issue 18) listens beside the servlet port of the same router: column "dataplane".
            try (ConfigurableApplicationContext router = startRouter(kafka, DATA_PLANE)) {
                LiveHosts live = router.getBean(LiveHosts.class);
                URI routed = routerUri(router);
                URI dataPlane = URI.create("http://127.0.0.1:" + router.getBean(DataPlane.class).port());
                List<Target> targets = new ArrayList<>(List.of(Target.inJvm("direct", glance.baseUri()),
                        Target.inJvm("routed", routed), new Target("dataplane", dataPlane, () -> 0, RouterBenchmark::dataPlaneCpuNanos)));
                dataPlanes.put("dataplane", router.getBean(MeterRegistry.class));
                if (!DATA_PLANE_B.isEmpty()) {
                    List<String> args = new ArrayList<>(DATA_PLANE);
                    args.addAll(DATA_PLANE_B);
                    ConfigurableApplicationContext routerB = extras.add(Optional.of(startRouter(kafka, args))).get();
                    // Its event loops are idle while the other columns run: the CPU of all data-plane threads is this column's.
                    targets.add(new Target("dataplane-B", URI.create("http://127.0.0.1:" + routerB.getBean(DataPlane.class).port()),
                            () -> 0, RouterBenchmark::dataPlaneCpuNanos));
                    dataPlanes.put("dataplane-B", routerB.getBean(MeterRegistry.class));
                }
                if (!VARIANT.isEmpty()) {
                    targets.add(Target.inJvm("routed-B", routerUri(extras.add(Optional.of(startRouter(kafka, VARIANT))).get())));
                }
                targets.add(Target.inJvm("relay", relay.baseUri()));
                targets.add(Target.inJvm("relay-direct", directRelay.baseUri()));
                spliced.ifPresent(haproxy -> targets.add(new Target("haproxy-splice", haproxy.baseUri(), haproxy::cpuNanos, haproxy::cpuNanos)));
                copying.ifPresent(haproxy -> targets.add(new Target("haproxy-copy", haproxy.baseUri(), haproxy::cpuNanos, haproxy::cpuNanos)));
                report(targets, imageId);
                dataPlanes.forEach((name, meters) -> System.out.printf(
                        "%s: bodies copied instead of spliced (imagelib.router.dataplane.copied): %.0f%n", name,
                        meters.find("imagelib.router.dataplane.copied").counters().stream().mapToDouble(Counter::count).sum()));
                if (CONCURRENT_ROUNDS > 0) {
                    reportConcurrent(glance.baseUri(), targets, spliced);
                }
                if (NIC_ROUNDS > 0) {
                    reportNicLike(nic.baseUri(), routed, imageId);
                }
                List<Long> down = new DownExclusionProbe(kafka.bootstrapServers(), kafka.typed().registry(), live)
                        .measure(REGION, "bench-h1", 20, 200);
                System.out.printf("DOWN event -> host excluded: p50 %.1f ms  p99 %.1f ms  max %.1f ms (n=%d, goal p99 <= 50 ms)%n",
                        DownExclusionProbe.percentile(down, 50) / 1e3, DownExclusionProbe.percentile(down, 99) / 1e3,
                        down.getLast() / 1e3, down.size());
                System.out.println("load average after run: " + os.getSystemLoadAverage());
            }
        }
    }

    /**
     * A router on a random port, ready once it offers both bench regions. {@code variant}: extra Spring arguments, plus
     * {@code --bench.connector.<name>=<value>} (set on Tomcat's connector, e.g. socket.rxBufSize) and
     * {@code --bench.tomcat-protocol=<class>} (e.g. org.apache.coyote.http11.Http11Nio2Protocol), for an A/B column.
     */
    private static ConfigurableApplicationContext startRouter(KafkaTestBroker kafka, List<String> variant) throws InterruptedException {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--imagelib.kafka.schema-registry-url=" + KafkaTestBroker.REGISTRY_URL,
                "--imagelib.router.default-region=" + REGION, "--logging.level.root=WARN"));
        args.addAll(variant);
        SpringApplication application = new SpringApplication(ImageRouterApplication.class);
        application.addInitializers(context -> {
            Environment env = context.getEnvironment();
            context.getBeanFactory().registerSingleton("benchConnector", (TomcatConnectorCustomizer) connector ->
                    connectorSettings(variant).forEach(connector::setProperty));
            String protocol = env.getProperty("bench.tomcat-protocol");
            if (protocol != null) {
                context.getBeanFactory().registerSingleton("benchProtocol",
                        (WebServerFactoryCustomizer<TomcatWebServerFactory>) factory -> factory.setProtocol(protocol));
            }
        });
        ConfigurableApplicationContext router = application.run(args.toArray(String[]::new));
        LiveHosts live = router.getBean(LiveHosts.class);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while ((live.snapshot().healthy(REGION).isEmpty() || live.snapshot().healthy(NIC_REGION).isEmpty())
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return router;
    }

    private static Map<String, String> connectorSettings(List<String> variant) {
        String prefix = "--bench.connector.";
        return variant.stream().filter(arg -> arg.startsWith(prefix) && arg.contains("="))
                .collect(Collectors.toMap(arg -> arg.substring(prefix.length(), arg.indexOf('=')), arg -> arg.substring(arg.indexOf('=') + 1)));
    }

    private static URI routerUri(ConfigurableApplicationContext router) {
        return URI.create("http://127.0.0.1:" + router.getEnvironment().getProperty("local.server.port"));
    }

    private void report(List<Target> targets, String imageId) throws Exception {
        double loadBefore = os.getSystemLoadAverage();
        Transfer[] totals = alternate(REGION, imageId, ROUNDS, targets);
        URI direct = targets.get(0).uri();
        URI routed = targets.get(1).uri();
        Transfer directTotal = totals[0];
        Transfer routedTotal = totals[1];
        double directMBs = directTotal.mbPerSecond();
        double routedMBs = routedTotal.mbPerSecond();
        double cpuPerGbDirect = directTotal.cpuSecondsPerGb();
        double cpuPerGbRouted = routedTotal.cpuSecondsPerGb();

        // Metadata GETs through direct, the servlet router, the data plane and HAProxy, in turns like the downloads.
        List<Target> metadataTargets = targets.stream().filter(target -> target.name().equals("direct") || target.name().equals("routed")
                || target.name().startsWith("dataplane") || target.name().startsWith("haproxy")).toList();
        List<Latency> latencies = new ArrayList<>();
        long[] gcMillis = new long[metadataTargets.size()];
        for (Target target : metadataTargets) {
            metadata(target.uri(), imageId, METADATA_GETS / 4); // warm-up, not counted
            latencies.add(new Latency(new ArrayList<>()));
        }
        Map<String, Map<String, Double>> connectionsBefore = new TreeMap<>();
        dataPlanes.forEach((name, meters) -> connectionsBefore.put(name, upstreamConnections(meters)));
        for (int i = 0; i < 4; i++) {
            for (int t = 0; t < metadataTargets.size(); t++) {
                long gcBefore = gcMillis();
                latencies.get(t).samples().addAll(metadata(metadataTargets.get(t).uri(), imageId, METADATA_GETS / 4).samples());
                gcMillis[t] += gcMillis() - gcBefore;
            }
        }
        Latency directLatency = latencies.get(0);
        Latency routedLatency = latencies.get(1);
        System.out.println("=== image-router benchmark (" + ROUNDS + " alternating rounds, " + STREAMS + " parallel streams, "
                + (IMAGE_BYTES >> 20) + " MB image, " + Runtime.getRuntime().availableProcessors() + " cpus) ===");
        System.out.println("load average before the downloads: " + loadBefore);
        if (!VARIANT.isEmpty()) {
            System.out.println("routed-B: a second router started with " + VARIANT);
        }
        if (dataPlanes.containsKey("dataplane-B")) {
            System.out.println("dataplane-B: a second router's data plane, started with " + DATA_PLANE_B
                    + "; dataplane: the settings' defaults (data-plane.upstream-keep-alive, data-plane.pipe-size) unless set by -D");
        }
        if (targets.stream().noneMatch(target -> target.name().startsWith("haproxy"))) {
            System.out.println("HAProxy columns skipped: " + HaproxyReference.BINARY + " not installed (Debian package haproxy)");
        }
        System.out.printf("%-15s %9s %6s %10s %9s %9s %10s%n", "mode", "MB/s", "ratio", "spread", "CPU s/GB", "own s/GB", "proxy s/GB");
        for (int i = 0; i < targets.size(); i++) {
            Transfer total = totals[i];
            System.out.printf("%-15s %9.1f %6.2f %10s %9.2f %9.2f %10s%n", targets.get(i).name(), total.mbPerSecond(),
                    total.mbPerSecond() / directMBs, i == 0 ? "" : spread(perRound.get(i), perRound.get(0)),
                    total.cpuSecondsPerGb(), total.cpuSecondsPerGb() - cpuPerGbDirect,
                    total.proxyCpuNanos() < 0 ? "" : String.format("%.2f", total.proxyCpuSecondsPerGb()));
        }
        System.out.println("(MB/s and ratio to direct over all rounds; spread: lowest-highest ratio of one round's pair;"
                + " CPU s/GB: whole bench JVM plus the proxy process if outside it; own s/GB: that minus direct's;"
                + " proxy s/GB: CPU of the proxy alone, read where it can be: HAProxy's process, the data plane's event-loop threads)");
        System.out.printf("throughput ratio routed/direct: %.2f (goal >= 0.9)%n", routedMBs / directMBs);
        System.out.printf("router's own CPU per GB (routed - direct): %.2f s/GB%n", cpuPerGbRouted - cpuPerGbDirect);
        System.out.printf("throughput ratio dataplane/direct: %.2f; data plane's own CPU per GB: %.2f s/GB%n",
                totals[2].mbPerSecond() / directMBs, totals[2].cpuSecondsPerGb() - cpuPerGbDirect);
        System.out.println("(dataplane: the router's Netty epoll data plane, body spliced upstream socket -> pipe -> client socket;"
                + " relay: bare TCP relay, 256 KB byte[] copy loop on socket streams, no HTTP; relay-direct: same on channels with a direct buffer; haproxy-splice: HAProxy " + HaproxyReference.version()
                + " HTTP mode, option splice-response + splice-auto; haproxy-copy: same without splicing)");
        for (int t = 0; t < metadataTargets.size(); t++) {
            Latency latency = latencies.get(t);
            System.out.printf("metadata GET %-14s: p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  max %.3f ms  p99 overhead %.3f ms"
                            + "  (GC during its GETs %d ms)%n", metadataTargets.get(t).name(), latency.percentile(50), latency.percentile(90),
                    latency.percentile(99), latency.percentile(100), latency.percentile(99) - directLatency.percentile(99), gcMillis[t]);
        }
        dataPlanes.forEach((name, meters) -> {
            Map<String, Double> connections = upstreamConnections(meters);
            connections.replaceAll((how, count) -> count - connectionsBefore.get(name).getOrDefault(how, 0.0));
            System.out.printf("metadata GET %-14s: upstream connections over the counted GETs %s; the router's own view (its"
                            + " last 2 minutes, warm-up included): connect %s, connect + request until the head %s%n", name, connections,
                    timerSummary(meters.find("imagelib.router.dataplane.upstream.connect").timers()),
                    timerSummary(meters.find("imagelib.router.upstream.requests").tag("operation", "read").timers()));
        });
        int dataPlaneAt = metadataTargets.indexOf(targets.get(2));
        int haproxyAt = metadataTargets.stream().map(Target::name).toList().indexOf("haproxy-splice");
        if (haproxyAt >= 0) {
            System.out.printf("metadata GET p99 overhead: dataplane %.3f ms vs haproxy-splice %.3f ms (goal: dataplane <= HAProxy's)%n",
                    latencies.get(dataPlaneAt).percentile(99) - directLatency.percentile(99),
                    latencies.get(haproxyAt).percentile(99) - directLatency.percentile(99));
        }
        System.out.printf("metadata GET p99 overhead: %.3f ms (goal <= 2 ms); p50 overhead %.3f ms%n",
                routedLatency.percentile(99) - directLatency.percentile(99), routedLatency.percentile(50) - directLatency.percentile(50));
        System.out.println("load average during run: " + os.getSystemLoadAverage());
    }

    /**
     * What the router's download attempts ended in (imagelib.router.upstream.requests outcome: 2xx, timeout (no head
     * within the read-headers wait), reset, connection_refused, 5xx, aborted), and its retries by reason.
     */
    private static Map<String, Double> downloadOutcomes(MeterRegistry meters) {
        Map<String, Double> counts = new TreeMap<>();
        meters.find("imagelib.router.upstream.requests").tag("operation", "download").timers()
                .forEach(timer -> counts.merge("attempt " + timer.getId().getTag("outcome"), (double) timer.count(), Double::sum));
        meters.find("imagelib.router.retries").tag("operation", "download").counters()
                .forEach(counter -> counts.merge("retry " + counter.getId().getTag("reason"), counter.count(), Double::sum));
        meters.find("imagelib.router.read.replans").tag("operation", "download").counters()
                .forEach(counter -> counts.merge("replan", counter.count(), Double::sum));
        return counts;
    }

    /** The data planes' routers' meters, by column name. */
    private final Map<String, MeterRegistry> dataPlanes = new TreeMap<>();

    /** Data-plane upstream connections by how they were had (new, reused, stale). */
    private static Map<String, Double> upstreamConnections(MeterRegistry meters) {
        Map<String, Double> counts = new TreeMap<>();
        meters.find("imagelib.router.dataplane.upstream.connections").counters()
                .forEach(counter -> counts.merge(counter.getId().getTag("how"), counter.count(), Double::sum));
        return counts;
    }

    /** Count, mean and the router's p50/p99 (decaying window) of the timers, merged by the largest count. */
    private static String timerSummary(Collection<Timer> timers) {
        Optional<Timer> busiest = timers.stream().max(Comparator.comparingLong(Timer::count));
        if (busiest.isEmpty()) {
            return "(none)";
        }
        HistogramSnapshot snapshot = busiest.get().takeSnapshot();
        StringBuilder summary = new StringBuilder(String.format("n=%d mean %.3f ms", snapshot.count(), snapshot.mean(TimeUnit.MILLISECONDS)));
        for (ValueAtPercentile percentile : snapshot.percentileValues()) {
            summary.append(String.format(" p%.0f %.3f ms", percentile.percentile() * 100, percentile.value(TimeUnit.MILLISECONDS)));
        }
        return summary.toString();
    }

    /** Collection time of every collector of this JVM (the router, the simulator and the clients share it). */
    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
    }

    /** Per target, the transfer of every round (filled by {@link #alternate}); for the spread of the ratios. */
    private final List<List<Transfer>> perRound = new ArrayList<>();

    /** One warm-up download from each target, then {@code rounds} rounds taking them in turn: totals per target. */
    private Transfer[] alternate(String region, String imageId, int rounds, List<Target> targets) throws Exception {
        Transfer[] totals = new Transfer[targets.size()];
        perRound.clear();
        for (int i = 0; i < targets.size(); i++) {
            download(targets.get(i), region, imageId, 1);
            totals[i] = new Transfer(0, 0, 0, 0);
            perRound.add(new ArrayList<>());
        }
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < targets.size(); i++) {
                Transfer transfer = download(targets.get(i), region, imageId, STREAMS);
                perRound.get(i).add(transfer);
                totals[i] = totals[i].plus(transfer);
            }
        }
        return totals;
    }

    /** Lowest-highest throughput ratio of one mode to direct, taking each round's pair (they ran back to back). */
    private static String spread(List<Transfer> mode, List<Transfer> direct) {
        double low = Double.MAX_VALUE;
        double high = 0;
        for (int round = 0; round < mode.size(); round++) {
            double ratio = mode.get(round).mbPerSecond() / direct.get(round).mbPerSecond();
            low = Math.min(low, ratio);
            high = Math.max(high, ratio);
        }
        return String.format("%.2f-%.2f", low, high);
    }

    /**
     * {@link #CONCURRENT} downloads held open at once, {@link #CONCURRENT_ROUNDS} rounds taking direct, the data plane and
     * HAProxy with splice in turn. The data plane runs in this JVM, so its memory per download is this JVM's growth
     * through it minus the growth of the same downloads taken direct (the clients' and the simulator's share).
     */
    private void reportConcurrent(URI glance, List<Target> targets, Optional<HaproxyReference> haproxy) throws Exception {
        String imageId = upload(glance, CONCURRENT_IMAGE_BYTES);
        ConcurrentDownloads downloads = new ConcurrentDownloads(http, REGION, imageId, CONCURRENT);
        List<ConcurrentDownloads.Subject> subjects = new ArrayList<>(List.of(
                new ConcurrentDownloads.Subject("direct", glance, ConcurrentDownloads::thisJvm)));
        targets.stream().filter(target -> dataPlanes.containsKey(target.name())).forEach(target -> subjects.add(
                new ConcurrentDownloads.Subject(target.name(), target.uri(), ConcurrentDownloads::dataPlane)));
        haproxy.ifPresent(proxy -> subjects.add(new ConcurrentDownloads.Subject("haproxy-splice", proxy.baseUri(),
                () -> ConcurrentDownloads.process(proxy.pid()))));
        System.out.println("=== " + CONCURRENT + " concurrent downloads of a " + (CONCURRENT_IMAGE_BYTES >> 20) + " MB image, "
                + CONCURRENT_ROUNDS + " rounds taking each path in turn (each client reads 64 KiB, waits for all, hangs up) ===");
        System.out.println("load average before: " + os.getSystemLoadAverage());
        System.out.printf("%5s %-15s %5s %6s %10s %8s %6s %13s | %s%n", "round", "path", "open", "failed", "mem/dl KB", "threads", "fds+",
                "TCP buf/dl KB", "idle after: memory MB, threads, fds");
        List<List<ConcurrentDownloads.Round>> rounds = new ArrayList<>();
        subjects.forEach(subject -> rounds.add(new ArrayList<>()));
        for (int round = 1; round <= CONCURRENT_ROUNDS; round++) {
            for (int i = 0; i < subjects.size(); i++) {
                Optional<MeterRegistry> meters = Optional.ofNullable(dataPlanes.get(subjects.get(i).name()));
                Map<String, Double> outcomesBefore = meters.map(RouterBenchmark::downloadOutcomes).orElse(Map.of());
                ConcurrentDownloads.Round result = downloads.round(subjects.get(i));
                rounds.get(i).add(result);
                System.out.printf("%5d %-15s %5d %6d %10.1f %8d %6d %13.1f | %.2f, %d, %d%n", round, subjects.get(i).name(), result.open(), result.failed(),
                        result.peak().memory() / 1024.0 / result.open(), result.idleAfter().threads() + result.peak().threads(),
                        result.peak().fds(), result.kernelTcpBytes() / 1024.0 / result.open(), result.idleAfter().memory() / 1048576.0,
                        result.idleAfter().threads(), result.idleAfter().fds());
                String name = subjects.get(i).name();
                if (result.failed() > 0) {
                    result.errors().forEach((error, count) -> System.out.printf("      %-15s %d x %s%n", name, count, error));
                    meters.map(RouterBenchmark::downloadOutcomes).ifPresent(after -> {
                        after.replaceAll((outcome, count) -> count - outcomesBefore.getOrDefault(outcome, 0.0));
                        after.values().removeIf(count -> count == 0);
                        System.out.printf("      %-15s the router's download attempts and retries in this round: %s%n", name, after);
                    });
                }
            }
        }
        System.out.println("(mem/dl: growth of the proxy's memory with all downloads open, per download: for the data plane its"
                + " live objects (Netty's and the router's web classes, class histogram after a full GC) plus Netty's allocator,"
                + " for HAProxy its process's RSS; pipes and socket buffers are kernel memory, in neither; threads: the proxy's"
                + " (data plane event loops; HAProxy's process; direct: the whole bench JVM's platform threads) with all open;"
                + " fds+: growth with all open (for direct and the data plane: the whole bench JVM, clients and simulator included);"
                + " TCP buf/dl: the machine's TCP socket buffers (/proc/net/sockstat), per download)");
        for (int i = 1; i < subjects.size(); i++) {
            List<ConcurrentDownloads.Round> of = rounds.get(i);
            ConcurrentDownloads.Footprint first = of.getFirst().idleAfter();
            ConcurrentDownloads.Footprint last = of.getLast().idleAfter();
            System.out.printf("%s: %d of %d downloads answered with an error; memory per download %.1f KB (mean of %d rounds),"
                            + " threads %d with %d open; idle after round 1 ->"
                            + " round %d: memory %.2f -> %.2f MB, threads %d -> %d, fds %d -> %d%n", subjects.get(i).name(),
                    of.stream().mapToInt(ConcurrentDownloads.Round::failed).sum(), CONCURRENT * CONCURRENT_ROUNDS,
                    of.stream().mapToDouble(r -> r.peak().memory() / (double) r.open()).average().orElse(0) / 1024, CONCURRENT_ROUNDS,
                    last.threads() + of.getLast().peak().threads(), of.getLast().open(), CONCURRENT_ROUNDS,
                    first.memory() / 1048576.0, last.memory() / 1048576.0, first.threads(), last.threads(), first.fds(), last.fds());
        }
        System.out.println("load average after: " + os.getSystemLoadAverage());
    }

    /**
     * NIC-like case, in addition to (never instead of) the unlimited one: the upstream sends at a fixed rate shared by
     * its streams, so the wire bounds the download as on real hosts and the CPU per GB is measured uncontended.
     */
    private void reportNicLike(URI paced, URI routed, String imageId) throws Exception {
        Transfer[] totals = alternate(NIC_REGION, imageId, NIC_ROUNDS, List.of(Target.inJvm("paced", paced), Target.inJvm("routed", routed)));
        System.out.println("=== NIC-like case: upstream paced at " + NIC_MBIT + " Mbit/s shared by " + STREAMS
                + " streams (" + NIC_ROUNDS + " alternating rounds; not the goal's figure) ===");
        System.out.printf("paced direct : %8.1f MB/s   whole-JVM CPU %.2f s/GB%n", totals[0].mbPerSecond(), totals[0].cpuSecondsPerGb());
        System.out.printf("paced routed : %8.1f MB/s   whole-JVM CPU %.2f s/GB%n", totals[1].mbPerSecond(), totals[1].cpuSecondsPerGb());
        System.out.printf("paced throughput ratio routed/direct: %.2f; router's own CPU per GB: %.2f s/GB%n",
                totals[1].mbPerSecond() / totals[0].mbPerSecond(), totals[1].cpuSecondsPerGb() - totals[0].cpuSecondsPerGb());
        System.out.println("load average: " + os.getSystemLoadAverage());
    }

    /** Same image fetched by {@code streams} clients at once; bytes are counted and dropped. */
    private Transfer download(Target target, String region, String imageId, int streams) throws Exception {
        URI base = target.uri();
        long cpuBefore = os.getProcessCpuTime() + target.outsideCpuNanos().getAsLong();
        long proxyBefore = target.proxyCpuNanos().getAsLong();
        long started = System.nanoTime();
        List<Future<Long>> fetches = new ArrayList<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < streams; i++) {
                fetches.add(clients.submit(() -> {
                    var response = http.send(HttpRequest.newBuilder(base.resolve("/v2/images/" + imageId + "/file"))
                            .header("X-Imagelib-Region", region).build(), BodyHandlers.ofInputStream());
                    long bytes = 0;
                    try (InputStream in = response.body()) {
                        byte[] buffer = new byte[256 * 1024];
                        for (int n; (n = in.read(buffer)) >= 0; ) {
                            bytes += n;
                        }
                    }
                    if (bytes != IMAGE_BYTES) {
                        throw new IllegalStateException("short download: " + bytes);
                    }
                    return bytes;
                }));
            }
        }
        long bytes = 0;
        for (Future<Long> fetch : fetches) {
            bytes += fetch.get();
        }
        long nanos = System.nanoTime() - started;
        long proxyCpu = proxyBefore < 0 ? -1 : target.proxyCpuNanos().getAsLong() - proxyBefore;
        return new Transfer(bytes, nanos, os.getProcessCpuTime() + target.outsideCpuNanos().getAsLong() - cpuBefore, proxyCpu);
    }

    private Latency metadata(URI base, String imageId, int count) throws Exception {
        HttpRequest get = HttpRequest.newBuilder(base.resolve("/v2/images/" + imageId)).header("X-Imagelib-Region", REGION).build();
        List<Long> samples = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long started = System.nanoTime();
            var response = http.send(get, BodyHandlers.ofByteArray());
            samples.add(System.nanoTime() - started);
            if (response.statusCode() != 200) {
                throw new IllegalStateException("metadata GET answered " + response.statusCode());
            }
        }
        return new Latency(samples);
    }

    private String upload(URI glance, long size) throws Exception {
        String id = UUID.randomUUID().toString();
        http.send(HttpRequest.newBuilder(glance.resolve("/v2/images")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + id + "\",\"name\":\"bench\"}")).build(), BodyHandlers.discarding());
        byte[] chunk = new byte[1024 * 1024];
        new Random(1).nextBytes(chunk);
        var publisher = HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> new InputStream() {
            long left = size;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left == 0) {
                    return -1;
                }
                int n = (int) Math.min(len, Math.min(left, chunk.length));
                System.arraycopy(chunk, 0, b, off, n);
                left -= n;
                return n;
            }
        }), size);
        http.send(HttpRequest.newBuilder(glance.resolve("/v2/images/" + id + "/file"))
                .header("Content-Type", "application/octet-stream").PUT(publisher).build(), BodyHandlers.discarding());
        return id;
    }

    private static void register(TypedKafka kafka, String region, String hostId, URI glance) {
        Instant now = Instant.now();
        kafka.produce(Topics.HOST_ROLES, hostId, HostRole.newBuilder().setRegion(region).setHostId(hostId)
                .setPublicUrl(glance.toString()).setAdminUrl(glance.toString()).setAssignedAt(now)
                .setStorage(StorageBackend.newBuilder().setType(StorageType.NFS).build()).build());
        kafka.produce(Topics.HOST_HEALTH, hostId, HostHealth.newBuilder().setRegion(region).setHostId(hostId)
                .setStatus(HealthStatus.UP).setSince(now).setObservedAt(now).build());
        kafka.produce(Topics.ADMIN_ENDPOINT, region, AdminEndpoint.newBuilder().setRegion(region).setHostId(hostId)
                .setUrl(glance.toString()).setEpoch(1).setReason(AdminChangeReason.LAST_ASSIGNED).setChangedAt(now).build());
    }

    /**
     * A download target; {@code outsideCpuNanos} counts the CPU of a proxy process outside the bench JVM,
     * {@code proxyCpuNanos} the proxy's own CPU wherever it can be told apart (-1: it cannot).
     */
    private record Target(String name, URI uri, LongSupplier outsideCpuNanos, LongSupplier proxyCpuNanos) {
        static Target inJvm(String name, URI uri) {
            return new Target(name, uri, () -> 0, () -> -1);
        }
    }

    /** CPU time (user + system, splice(2) included) of the data plane's event-loop threads. */
    private static long dataPlaneCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long total = 0;
        for (ThreadInfo thread : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (thread != null && thread.getThreadName().startsWith(DataPlane.THREAD_PREFIX)) {
                total += Math.max(0, threads.getThreadCpuTime(thread.getThreadId()));
            }
        }
        return total;
    }

    /** Closes what was added, last first (the HAProxy processes, when installed). */
    private static final class Closer implements AutoCloseable {
        private final List<AutoCloseable> resources = new ArrayList<>();

        <T extends AutoCloseable> Optional<T> add(Optional<T> resource) {
            resource.ifPresent(resources::add);
            return resource;
        }

        @Override
        public void close() throws Exception {
            for (AutoCloseable resource : resources.reversed()) {
                resource.close();
            }
        }
    }

    private record Transfer(long bytes, long nanos, long cpuNanos, long proxyCpuNanos) {
        Transfer plus(Transfer other) {
            return new Transfer(bytes + other.bytes, nanos + other.nanos, cpuNanos + other.cpuNanos,
                    proxyCpuNanos < 0 || other.proxyCpuNanos < 0 ? -1 : proxyCpuNanos + other.proxyCpuNanos);
        }

        double proxyCpuSecondsPerGb() {
            return (proxyCpuNanos / 1e9) / (bytes / 1073741824.0);
        }

        double mbPerSecond() {
            return bytes / 1048576.0 / (nanos / 1e9);
        }

        double cpuSecondsPerGb() {
            return (cpuNanos / 1e9) / (bytes / 1073741824.0);
        }
    }

    private record Latency(List<Long> samples) {
        double percentile(int p) {
            List<Long> sorted = samples.stream().sorted().toList();
            return sorted.get(Math.max(0, (int) Math.ceil(sorted.size() * p / 100.0) - 1)) / 1e6;
        }
    }
}
