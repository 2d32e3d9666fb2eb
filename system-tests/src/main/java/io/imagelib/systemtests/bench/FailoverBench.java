package io.imagelib.systemtests.bench;

import io.imagelib.avro.AdminEndpoint;
import io.imagelib.schemas.topics.Topics;
import io.imagelib.systemtests.DownloadLoad;
import io.imagelib.systemtests.EventLog;
import io.imagelib.systemtests.GlanceClient;
import io.imagelib.systemtests.GlanceHosts;
import io.imagelib.systemtests.HaproxyBaseline;
import io.imagelib.systemtests.HaproxyTrial;
import io.imagelib.systemtests.Percentiles;
import io.imagelib.systemtests.Scenarios;
import io.imagelib.systemtests.ServiceStack;
import io.imagelib.systemtests.TestBed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The failover benchmark ({@code system-tests/bench/failover}): the same faults under the same load, side by side,
 * against HAProxy's usual and tuned health checks and, when the service jars are built, our router. Prints
 * p50/p95/p99/max per figure as a Markdown table and writes it to {@code system-tests/target/bench/failover.md}.
 */
public final class FailoverBench {

    record Options(int trials, int concurrency, Duration load, int imageMib, boolean haproxy, Path projectRoot) {
        static Options parse(String[] args) {
            int trials = 30;
            int concurrency = 50;
            int loadSeconds = 8;
            int imageMib = 2;
            boolean haproxy = true;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--trials" -> trials = Integer.parseInt(args[++i]);
                    case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
                    case "--load-seconds" -> loadSeconds = Integer.parseInt(args[++i]);
                    case "--image-mib" -> imageMib = Integer.parseInt(args[++i]);
                    case "--router-only" -> haproxy = false;
                    default -> throw new IllegalArgumentException("Unknown option " + args[i]
                            + "; usage: failover [--trials N] [--concurrency C] [--load-seconds S] [--image-mib M] [--router-only]");
                }
            }
            Path root = Path.of(System.getProperty("imagelib.project.root", ".")).toAbsolutePath().normalize();
            return new Options(trials, concurrency, Duration.ofSeconds(loadSeconds), imageMib, haproxy, root);
        }
    }

    /** Durations and failed-request counts of one system under test, collected over the trials. */
    static final class Figures {
        final Map<String, List<Duration>> durations = new java.util.LinkedHashMap<>();
        final List<Long> failedRequests = new ArrayList<>();
        long requests;
        long failed;

        void add(String figure, Duration d) {
            durations.computeIfAbsent(figure, k -> new ArrayList<>()).add(d);
        }

        void addLoad(long total, long failedCount) {
            requests += total;
            failed += failedCount;
            failedRequests.add(failedCount);
        }
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        // Scratch space in this checkout (the bench script runs from the repository root); the project root may
        // point elsewhere only to find service jars.
        Path work = Path.of("system-tests/target/bench").toAbsolutePath();
        Instant started = Instant.now();
        Map<HaproxyBaseline.Setting, Figures> haproxyFigures = new EnumMap<>(HaproxyBaseline.Setting.class);
        List<String> missing = ServiceStack.missingJars(options.projectRoot());
        Figures router = missing.isEmpty() ? new Figures() : null;
        String routerNote = missing.isEmpty() ? "" : "Our router: not measured, service jars not built: " + missing;
        try (TestBed bed = TestBed.start(work.resolve("bed"), 3);
             HaproxySide haproxy = options.haproxy() ? HaproxySide.start(options, work, bed.glance()) : null;
             RouterSide ours = router != null ? RouterSide.start(options, work, bed.glance()) : null) {
            // Interleaved: trial N of each system runs back to back, so both see the same machine load and the
            // same hosts; a block of one system after the other would compare two different moments.
            for (int trial = 1; trial <= options.trials(); trial++) {
                if (haproxy != null) {
                    haproxy.trial(trial, haproxyFigures);
                }
                if (ours != null) {
                    ours.trial(trial, router);
                }
                writeReport(work, report(options, started, trial, haproxyFigures, router, routerNote));
            }
        }
        String report = report(options, started, options.trials(), haproxyFigures, router, routerNote);
        System.out.println(report);
        writeReport(work, report);
    }

    /** HAProxy (both settings) in front of the bed, loaded with an image uploaded directly to glance-1. */
    private record HaproxySide(HaproxyBaseline haproxy, GlanceHosts glance, DownloadLoad load, String imageId, String sha,
                               Duration loadDuration) implements AutoCloseable {

        static HaproxySide start(Options options, Path work, GlanceHosts glance) throws Exception {
            GlanceClient client = new GlanceClient(Duration.ofSeconds(2), Duration.ofSeconds(30));
            byte[] image = new byte[options.imageMib() * 1024 * 1024];
            new Random(1).nextBytes(image);
            String imageId = client.createAndUpload(glance.host(1).baseUrl(), "bench", image);
            return new HaproxySide(HaproxyBaseline.start(work.resolve("haproxy"), glance.hosts()), glance,
                    new DownloadLoad(client, options.concurrency()), imageId, GlanceClient.sha256Hex(image), options.load());
        }

        void trial(int trial, Map<HaproxyBaseline.Setting, Figures> figures) throws Exception {
            var results = HaproxyTrial.run(haproxy, glance, glance.host(2), HaproxyTrial.Fault.KILL, load, imageId, sha, loadDuration);
            for (HaproxyTrial.Result result : results.values()) {
                System.out.println("[bench] trial " + trial + ": " + result);
                Figures f = figures.computeIfAbsent(result.setting(), s -> new Figures());
                f.add("kill -> DOWN (HAProxy marks the server DOWN)", result.detection());
                f.add("kill -> last failed request (recovery)", result.recovery());
                f.addLoad(result.requests(), result.failed());
            }
        }

        @Override
        public void close() {
            haproxy.close();
        }
    }

    /** Our services in front of the bed: roles assigned (glance-3 last, so admin), an image uploaded through the router. */
    private record RouterSide(ServiceStack stack, EventLog events, GlanceHosts glance, GlanceClient viaRouter, DownloadLoad load,
                              String imageId, String sha, Duration loadDuration) implements AutoCloseable {

        static RouterSide start(Options options, Path work, GlanceHosts glance) throws Exception {
            ServiceStack stack = ServiceStack.start(options.projectRoot(), work.resolve("services"));
            EventLog events = null;
            try {
                events = EventLog.follow(stack.bootstrapServers(), stack.registryUrl(), List.of(Topics.HOST_HEALTH, Topics.ADMIN_ENDPOINT));
                Files.writeString(glance.dataDir().resolve(".imagelib-storage-id"), "ilsys-shared\n");
                for (GlanceHosts.Host host : glance.hosts()) {
                    stack.assignRole(Scenarios.REGION, host, glance.dataDir());
                }
                // Any admin: the trials start from whoever it is. glance-3 (last assigned) is the usual one, but a
                // false DOWN on its first probe at high load makes it pass its turn (election rule 1b).
                events.await(Topics.ADMIN_ENDPOINT, 0, e -> e.value() instanceof AdminEndpoint a && a.getHostId() != null,
                        Duration.ofSeconds(30)).orElseThrow(() -> new IllegalStateException("No admin within 30 s of assigning the roles"));
                GlanceClient viaRouter = Scenarios.routerClient();
                byte[] image = new byte[options.imageMib() * 1024 * 1024];
                new Random(2).nextBytes(image);
                String imageId = viaRouter.createAndUpload(stack.router(), "bench-router", image);
                return new RouterSide(stack, events, glance, viaRouter, new DownloadLoad(viaRouter, options.concurrency()), imageId,
                        GlanceClient.sha256Hex(image), options.load());
            } catch (Exception | Error e) {
                if (events != null) {
                    events.close();
                }
                stack.close();
                throw e;
            }
        }

        /** An admin kill (failover figures), then a non-admin kill under the same load as the HAProxy trial. */
        void trial(int trial, Figures figures) throws Exception {
            AdminEndpoint admin = events.latest(Topics.ADMIN_ENDPOINT, Scenarios.REGION).orElseThrow();
            GlanceHosts.Host adminHost = Scenarios.host(glance, admin.getHostId());
            var failover = Scenarios.adminFailover(glance, stack, events, viaRouter, adminHost, admin.getEpoch());
            figures.add("kill -> DOWN event", failover.downEvent());
            figures.add("DOWN -> router exclusion (UP count in /actuator/health/upstreams)", failover.routerExclusion());
            figures.add("admin kill -> new admin published", failover.newAdminPublished());
            figures.add("admin kill -> new admin + upload ok", failover.uploadOk());
            glance.restore(adminHost);
            // Like the HAProxy trial (which waits until HAProxy sees the restored host UP), start from a router that
            // counts every host UP: killing one while the restored one is still unprobed would leave one, or none.
            Scenarios.awaitRouterCount(stack, glance.hosts().size(), Duration.ofSeconds(60));

            GlanceHosts.Host victim = Scenarios.nonAdmin(glance, events);
            var result = load.run(stack.router(), imageId, sha, loadDuration, Duration.ofSeconds(2), ignored -> glance.kill(victim));
            figures.addLoad(result.total(), result.failed());
            figures.add("kill -> last failed request (recovery)", result.recovery());
            System.out.printf("[bench] router trial %d: %s, non-admin kill %d/%d failed %s%n", trial, failover,
                    result.failed(), result.total(), result.sampleErrors());
            glance.restore(victim);
        }

        @Override
        public void close() {
            try {
                events.close();
            } finally {
                stack.close();
            }
        }
    }

    private static void writeReport(Path work, String report) throws IOException {
        Files.createDirectories(work);
        Files.writeString(work.resolve("failover.md"), report);
    }

    static String report(Options options, Instant started, int trialsDone, Map<HaproxyBaseline.Setting, Figures> haproxy, Figures router,
                         String routerNote) throws IOException {
        StringBuilder out = new StringBuilder();
        out.append("## Failover benchmark (").append(started).append(")\n\n")
                .append("Trials done: ").append(trialsDone).append(" of ").append(options.trials()).append("\n")
                .append("Command: `system-tests/bench/failover --trials ").append(options.trials())
                .append(" --concurrency ").append(options.concurrency())
                .append(" --load-seconds ").append(options.load().toSeconds())
                .append(" --image-mib ").append(options.imageMib()).append("`\n")
                .append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, load average at the end ")
                .append(Files.readString(Path.of("/proc/loadavg")).strip()).append("\n\n")
                .append("Durations in ms; \"failed requests per trial\" in requests (")
                .append(options.concurrency()).append(" concurrent sha256-checked downloads of a ").append(options.imageMib()).append(" MiB image through each system,")
                .append(" both HAProxy settings loaded at the same time and hit by the same kill, 2 s in;")
                .append(" trials interleaved: trial N through HAProxy, then trial N through our router).\n\n")
                .append("| system | figure | trials | p50 | p95 | p99 | max |\n|---|---|---|---|---|---|---|\n");
        haproxy.forEach((setting, f) -> rows(out, setting.label(), f));
        if (router != null) {
            rows(out, "our router", router);
        }
        out.append('\n');
        haproxy.forEach((setting, f) -> out.append("- ").append(setting.label()).append(": ").append(f.failed).append(" of ")
                .append(f.requests).append(" requests failed in total\n"));
        if (router != null) {
            out.append("- our router: ").append(router.failed).append(" of ").append(router.requests).append(" requests failed in total\n");
        } else {
            out.append("- ").append(routerNote).append('\n');
        }
        return out.toString();
    }

    private static void rows(StringBuilder out, String system, Figures f) {
        f.durations.forEach((figure, sample) -> out.append(Percentiles.ofDurations(sample).row(system + " | " + figure)).append('\n'));
        out.append(Percentiles.ofCounts(f.failedRequests).row(system + " | failed requests per trial")).append('\n');
    }
}
