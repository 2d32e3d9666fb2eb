package io.imagelib.deploy.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Apicurio Registry 2.4.2.Final, built from Maven Central by {@code deploy/registry/pom.xml} (a Quarkus
 * fast-jar), running as a child JVM on 127.0.0.1. Clients use {@link #ccompatUrl()}, the Confluent-compatible API
 * that {@code RestSchemaRegistry} speaks. Its directory holds registry.log, registry.pid, registry.port and
 * {@code data/}, the H2 database file that keeps every schema and its id across a stop, a kill -9 and a start.
 *
 * <p>Why a file: this app's only storage is H2 SQL, in memory by default ("Using In Memory (H2) SQL storage" in
 * its log either way). An in-memory registry restarts empty while Kafka keeps every record framed with the old
 * ids: consumers get 404 for them, or worse, the same ids handed out again for other schemas.
 */
public final class ApicurioRegistryProcess implements AutoCloseable {

    public static final String CCOMPAT_PATH = "/apis/ccompat/v7";
    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(120);
    /** The first build downloads ~231 MB; slow mirrors and a busy machine get this long. */
    public static final Duration BUILD_TIMEOUT = Duration.ofMinutes(15);
    /** System property naming the project root (where mvnw is); the build sets it for integration tests. */
    public static final String PROJECT_ROOT_PROPERTY = "imagelib.project.root";

    private static final String REGISTRY_POM = "deploy/registry/pom.xml";
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);
    private static final Duration POLL = Duration.ofMillis(200);

    private final int port;
    private final StackProcess process;
    private final long pid;

    private ApicurioRegistryProcess(int port, StackProcess process, long pid) {
        this.port = port;
        this.process = process;
        this.pid = pid;
    }

    /** From {@value #PROJECT_ROOT_PROPERTY}, else the nearest directory above the working directory holding mvnw and the registry pom. */
    public static Path locateProjectRoot() {
        String configured = System.getProperty(PROJECT_ROOT_PROPERTY);
        if (configured != null) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isRegularFile(dir.resolve(REGISTRY_POM))) {
                return dir;
            }
        }
        throw new IllegalStateException("No project root (mvnw and " + REGISTRY_POM + ") at or above "
                + Path.of("").toAbsolutePath() + "; pass -D" + PROJECT_ROOT_PROPERTY + "=DIR or --root DIR");
    }

    public static Path appJar(Path projectRoot) {
        return projectRoot.resolve("deploy/registry/target/quarkus-app/quarkus-run.jar");
    }

    /**
     * Builds the registry unless its fast-jar exists: {@code ./mvnw -f deploy/registry/pom.xml package -DskipTests}
     * with the JDK running this code. Each build output line goes to {@code progress} and to
     * {@code deploy/registry/target/build.log}.
     */
    public static Path buildIfMissing(Path projectRoot, Consumer<String> progress) {
        Path jar = appJar(projectRoot);
        if (Files.isRegularFile(jar)) {
            return jar;
        }
        Path log = projectRoot.resolve("deploy/registry/target/build.log");
        progress.accept("Building Apicurio Registry (first time: 1-2 min, ~231 MB of downloads); log: " + log);
        ProcessBuilder builder = new ProcessBuilder(List.of(projectRoot.resolve("mvnw").toString(), "-B", "-ntp",
                "-f", REGISTRY_POM, "package", "-DskipTests"))
                .directory(projectRoot.toFile())
                .redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        try {
            Files.createDirectories(log.getParent());
            Process build = builder.start();
            build.getOutputStream().close();
            try (var lines = new BufferedReader(new InputStreamReader(build.getInputStream(), StandardCharsets.UTF_8));
                 Writer out = Files.newBufferedWriter(log)) {
                Thread.ofVirtual().start(() -> {
                    // Unblocks the reader below if the build hangs.
                    try {
                        if (!build.waitFor(BUILD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                            build.destroyForcibly();
                        }
                    } catch (InterruptedException e) {
                        build.destroyForcibly();
                    }
                });
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    out.write(line);
                    out.write('\n');
                    progress.accept(line);
                }
            }
            int exit = build.waitFor();
            if (exit != 0 || !Files.isRegularFile(jar)) {
                throw new IllegalStateException("Building the registry failed (exit " + exit + ", timeout "
                        + BUILD_TIMEOUT.toMinutes() + " min); last lines of " + log + ":\n" + ProcessLog.tail(log, 30));
            }
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run the registry build in " + projectRoot, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while building the registry", e);
        }
    }

    /**
     * The registry's database in {@code dir}: {@code data/registry.mv.db}. Each setting answers a failure measured here:
     * <ul>
     *   <li>{@code async:} file access (AsynchronousFileChannel): with the default FileChannel, a request thread
     *       interrupted mid-write (ClosedByInterruptException) closed the whole database ("The database has been
     *       closed") and every later registration failed, at {@code ilctl up} on a loaded machine;</li>
     *   <li>{@code WRITE_DELAY=0}: each commit is on disk before the HTTP answer; with the default (500 ms) a kill -9
     *       right after a registration lost that schema;</li>
     *   <li>{@code LOCK_TIMEOUT=10000}: the services register their schemas at once at start; at load ~30 the default
     *       1 s wait for the id sequence's row lock timed out.</li>
     * </ul>
     */
    public static String datasourceUrl(Path dir) {
        return "jdbc:h2:async:" + dataDir(dir).resolve("registry") + ";WRITE_DELAY=0;LOCK_TIMEOUT=10000";
    }

    /**
     * One worker thread: this app on H2 cannot take concurrent registrations of new schemas. Services starting together
     * each register what they send; measured here with 60 at once (12 new schemas, 5 clients each) on a fresh
     * database, 58 hung past 30 s and 2 failed with 500 (unique-key violations and lock timeouts on its id sequences
     * and content table; the same in memory). With one worker all 60 answered 200 within 1.7 s. A request takes
     * milliseconds and clients cache every id, so the queue costs nothing.
     */
    private static final String ONE_REQUEST_AT_A_TIME = "quarkus.thread-pool.max-threads=1";

    /** Where the registry's schemas live; delete it only together with the Kafka data whose records carry their ids. */
    public static Path dataDir(Path dir) {
        return dir.toAbsolutePath().normalize().resolve("data");
    }

    /** {@link #start} on {@code port} (0: a free one), tied to this JVM, build output on stdout: for tests. */
    public static ApicurioRegistryProcess start(Path dir, int port) {
        return start(locateProjectRoot(), dir, port, Lifetime.TIED_TO_THIS_JVM, DEFAULT_READY_TIMEOUT, System.out::println);
    }

    /** {@link #start(Path, int)} on a free port. */
    public static ApicurioRegistryProcess start(Path dir) {
        return start(dir, 0);
    }

    /**
     * Starts the registry (building it first if needed) on {@code port} ({@code 0}: a free one) and waits until
     * {@code GET /apis/ccompat/v7/subjects} answers 200. If one already runs from {@code dir}, returns that one.
     */
    public static ApicurioRegistryProcess start(Path projectRoot, Path dir, int port, Lifetime lifetime, Duration readyTimeout,
                                                Consumer<String> buildProgress) {
        Path home = dir.toAbsolutePath().normalize();
        Optional<ApicurioRegistryProcess> running = find(home);
        if (running.isPresent()) {
            return running.get();
        }
        Path jar = buildIfMissing(projectRoot, buildProgress);
        int chosen = port == 0 ? LocalResources.freePorts(1).get(0) : port;
        try {
            Files.createDirectories(home);
            Files.writeString(home.resolve("registry.port"), chosen + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write into " + home, e);
        }
        // REGISTRY_DATASOURCE_URL is the app's own knob (its application.properties reads it for %prod).
        List<String> command = JavaCommand.of("256m", List.of(marker(home), "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + chosen, "-DREGISTRY_DATASOURCE_URL=" + datasourceUrl(home),
                "-D" + ONE_REQUEST_AT_A_TIME, "-jar", jar.toString()));
        StackProcess process = process(home);
        ApicurioRegistryProcess registry = new ApicurioRegistryProcess(chosen, process,
                process.start(command, marker(home), Map.of(), home, lifetime).pid());
        try {
            registry.awaitReady(readyTimeout);
        } catch (RuntimeException e) {
            process.stop(STOP_GRACE);
            throw e;
        }
        return registry;
    }

    /** The registry started earlier from {@code dir}, if it still runs. */
    public static Optional<ApicurioRegistryProcess> find(Path dir) {
        Path home = dir.toAbsolutePath().normalize();
        return process(home).running().map(handle -> new ApicurioRegistryProcess(readPort(home), process(home), handle.pid()));
    }

    private static StackProcess process(Path home) {
        return new StackProcess("Apicurio Registry", home.resolve("registry.pid"), home.resolve("registry.log"));
    }

    /** A system property nobody reads, so the pid file is only trusted for a JVM started on this directory. */
    private static String marker(Path home) {
        return "-Dimagelib.registry.dir=" + home;
    }

    private static int readPort(Path home) {
        try {
            return Integer.parseInt(Files.readString(home.resolve("registry.port")).trim());
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("Registry in " + home + " runs but its registry.port file is unreadable", e);
        }
    }

    private void awaitReady(Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(ccompatUrl() + "/subjects")).timeout(Duration.ofSeconds(2)).GET().build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastProblem = "no answer yet";
        while (true) {
            if (process.running().isEmpty()) {
                throw new IllegalStateException("Apicurio Registry exited before it answered on " + ccompatUrl()
                        + "; " + ProcessLog.diagnosis(process.logFile()));
            }
            try {
                HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
                lastProblem = "HTTP " + response.statusCode();
            } catch (IOException e) {
                lastProblem = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the registry", e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Apicurio Registry (PID " + pid + ") not ready on " + ccompatUrl()
                        + " within " + timeout.toSeconds() + " s (" + lastProblem + "); " + ProcessLog.diagnosis(process.logFile()));
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the registry", e);
            }
        }
    }

    /** Base URL of the Confluent-compatible API, e.g. {@code http://127.0.0.1:8081/apis/ccompat/v7}. */
    public String ccompatUrl() {
        return "http://127.0.0.1:" + port + CCOMPAT_PATH;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return pid;
    }

    /** SIGTERM, SIGKILL after 20 s; returns when the PID is gone. */
    public void stop() {
        process.stop(STOP_GRACE);
    }

    @Override
    public void close() {
        stop();
    }
}
