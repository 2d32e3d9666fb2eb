package io.imagelib.router.bench;

import java.io.IOException;
import java.io.InputStream;
import io.imagelib.router.web.DataPlane;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * Many downloads held open at once through one proxy, round after round: what each costs the proxy while all are in
 * flight (memory, threads, file descriptors) and whether anything is left over after a round. Each client reads the
 * first bytes of its body, then waits until every client has, so the figures are taken with all of them open; then all
 * hang up (the image is far larger than what the socket buffers and pipes on the way hold, so no download can have
 * left the proxy yet, and moving it whole 500 times a round would take minutes), and the idle footprint is taken.
 */
record ConcurrentDownloads(HttpClient http, String region, String imageId, int count) {

    /** What a proxy holds: memory (bytes; see {@link #dataPlane()} and {@link #process}), threads, descriptors. */
    record Footprint(long memory, long threads, long fds) {
        Footprint minus(Footprint other) {
            return new Footprint(memory - other.memory, threads - other.threads, fds - other.fds);
        }
    }

    /** One proxy under test and how its footprint is read. */
    record Subject(String name, URI uri, Supplier<Footprint> footprint) {
    }

    /**
     * One round: downloads open at once and those answered with an error, the footprint with every download open (minus
     * the idle one before it) and the idle one after it.
     */
    record Round(int open, int failed, Footprint peak, Footprint idleAfter, long kernelTcpBytes, Map<String, Integer> errors) {
    }

    /** One download: the bytes first read, or what went wrong instead (status and problem, or the client's exception). */
    private record Outcome(long firstBytes, String error) {
    }

    Round round(Subject subject) throws Exception {
        Footprint idleBefore = subject.footprint().get();
        long tcpBefore = kernelTcpBytes();
        CountDownLatch started = new CountDownLatch(count);
        CountDownLatch release = new CountDownLatch(1);
        List<Future<Outcome>> downloads = new ArrayList<>();
        int open;
        Footprint peak;
        long tcpPeak;
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < count; i++) {
                downloads.add(clients.submit(() -> download(subject.uri(), started, release)));
            }
            started.await(120, TimeUnit.SECONDS);
            open = (int) (count - started.getCount());
            peak = subject.footprint().get().minus(idleBefore);
            tcpPeak = kernelTcpBytes() - tcpBefore;
            release.countDown();
        }
        Map<String, Integer> errors = new TreeMap<>();
        for (Future<Outcome> download : downloads) {
            Outcome outcome = download.get();
            if (outcome.error() != null) {
                errors.merge(outcome.error(), 1, Integer::sum);
            }
        }
        int failed = errors.values().stream().mapToInt(Integer::intValue).sum();
        Thread.sleep(500); // the proxy notices the hang-ups on its own loop
        return new Round(open - failed, failed, peak, subject.footprint().get(), tcpPeak, errors);
    }

    /**
     * Reads the first bytes and holds the download until released. An error answer is told by its status and problem
     * (numbers masked, so that alike errors count together; the detail names the hosts tried and for how long).
     */
    private Outcome download(URI base, CountDownLatch started, CountDownLatch release) throws InterruptedException {
        long began = System.nanoTime();
        try {
            var response = http.send(HttpRequest.newBuilder(base.resolve("/v2/images/" + imageId + "/file"))
                    .header("X-Imagelib-Region", region).build(), BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                if (response.statusCode() != 200) {
                    String problem = new String(in.readNBytes(2048), StandardCharsets.UTF_8);
                    started.countDown();
                    return new Outcome(-1, response.statusCode() + " after ~" + seconds(began) + " s: "
                            + problem.replaceAll("\\d+", "#"));
                }
                int first = in.read(new byte[64 * 1024]);
                started.countDown();
                release.await();
                return first < 0 ? new Outcome(-1, "200 with an empty body after ~" + seconds(began) + " s") : new Outcome(first, null);
            }
        } catch (IOException failed) {
            started.countDown();
            return new Outcome(-1, "client " + failed.getClass().getSimpleName() + " after ~" + seconds(began) + " s: " + failed.getMessage());
        }
    }

    /** Whole seconds since {@code began}, rounded down to 5 so that alike errors count together. */
    private static long seconds(long began) {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began) / 5 * 5;
    }

    /**
     * The data plane inside this JVM: its live objects (a class histogram after a full GC: Netty's classes and the
     * router's web package, which nothing else in the bench JVM uses), Netty's allocator (heap and direct), its
     * event-loop threads, and the descriptors of the whole JVM (clients and simulator included).
     */
    static Footprint dataPlane() {
        long objects = 0;
        for (String line : classHistogram().lines().toList()) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 4 && fields[0].endsWith(":") && (fields[3].startsWith("io.netty.") || fields[3].startsWith("io.imagelib.router.web."))) {
                objects += Long.parseLong(fields[2]);
            }
        }
        ByteBufAllocatorMetric buffers = ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric();
        long threads = Thread.getAllStackTraces().keySet().stream().filter(thread -> thread.getName().startsWith(DataPlane.THREAD_PREFIX)).count();
        return new Footprint(objects + buffers.usedHeapMemory() + buffers.usedDirectMemory(), threads, fds("self"));
    }

    /** jcmd GC.class_histogram of this JVM (it runs a full GC first, so only live objects count). */
    private static String classHistogram() {
        try {
            return (String) ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "gcClassHistogram", new Object[] {new String[0]}, new String[] {String[].class.getName()});
        } catch (JMException e) {
            throw new IllegalStateException("no class histogram", e);
        }
    }

    /** Platform threads and descriptors of this JVM (memory not told apart: the direct downloads' baseline). */
    static Footprint thisJvm() {
        return new Footprint(0, ManagementFactory.getThreadMXBean().getThreadCount(), fds("self"));
    }

    /** Resident memory, threads and descriptors of another process. */
    static Footprint process(long pid) {
        try {
            List<String> status = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"));
            return new Footprint(statusField(status, "VmRSS:") * 1024, statusField(status, "Threads:"), fds(Long.toString(pid)));
        } catch (IOException gone) {
            throw new IllegalStateException("process " + pid + " is gone", gone);
        }
    }

    private static long statusField(List<String> status, String name) {
        return status.stream().filter(line -> line.startsWith(name)).findFirst()
                .map(line -> Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0])).orElse(-1L);
    }

    private static long fds(String process) {
        try (Stream<Path> fds = Files.list(Path.of("/proc", process, "fd"))) {
            return fds.count();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Memory of all TCP socket buffers on the machine (/proc/net/sockstat "mem", pages): kernel-side, not the proxy's alone. */
    private static long kernelTcpBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/net/sockstat"))) {
            if (line.startsWith("TCP:")) {
                String[] fields = line.split("\\s+");
                for (int i = 0; i < fields.length - 1; i++) {
                    if (fields[i].equals("mem")) {
                        return Long.parseLong(fields[i + 1]) * 4096;
                    }
                }
            }
        }
        return -1;
    }
}
