package io.imagelib.ilctl.stack;

import io.imagelib.deploy.local.PostgresCluster;
import io.imagelib.deploy.local.ServiceModule;
import io.imagelib.ilctl.IlctlRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The local stack an integration test drives through ilctl: its state directory and settings, and the command lines
 * that reach it.
 */
record StackUnderTest(Path dir, StackConfig config) {

    /** {@code command} with {@code --dir}, and {@code --port-offset} for {@code up}. */
    String[] args(String... command) {
        List<String> all = new ArrayList<>(Arrays.asList(command));
        all.addAll(List.of("--dir", dir.toString()));
        if (command[0].equals("up")) {
            all.addAll(List.of("--port-offset", Integer.toString(config.portOffset())));
        }
        return all.toArray(String[]::new);
    }

    /** {@code command} against this stack's role-service and endpoint-service. */
    String[] service(String... command) {
        List<String> all = new ArrayList<>(Arrays.asList(command));
        all.addAll(List.of("--dir", dir.toString(), "--role-url", config.serviceUrl(ServiceModule.ROLE),
                "--endpoint-url", config.serviceUrl(ServiceModule.ENDPOINT)));
        return all.toArray(String[]::new);
    }

    /** The admin endpoint's URL as {@code ilctl endpoint list} shows it, if endpoint-service answers with one. */
    Optional<String> adminUrl() {
        IlctlRun run = IlctlRun.of(service("endpoint", "list", "--interface", "admin", "-f", "value", "-c", "URL"));
        return run.exitCode() == 0 ? run.out().lines().findFirst() : Optional.empty();
    }

    /** Every live PID the state directory records: services, hosts, the registry, the Kafka node (and PostgreSQL). */
    List<Long> recordedPids() {
        List<Path> pidFiles = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            files.filter(f -> f.getFileName().toString().endsWith(".pid")).forEach(pidFiles::add);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        List<Long> pids = new ArrayList<>();
        for (Path file : pidFiles) {
            try {
                long pid = Long.parseLong(Files.readAllLines(file).get(0).strip());
                if (ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isPresent()) {
                    pids.add(pid);
                }
            } catch (IOException | RuntimeException e) {
                // a pid file being rewritten: not a process
            }
        }
        return pids;
    }

    /** Skips the calling class, saying why, where real Glance cannot run: not root, a package or a module missing. */
    static void assumeRealGlanceCanRun(String testClass) {
        assume(testClass, PostgresCluster.runningAsRoot(), "not root: the private PostgreSQL cluster runs as the postgres user through setpriv");
        assume(testClass, RealGlance.missingPackages().isEmpty(), "missing " + RealGlance.missingPackages()
                + " (./ilctl up --install-glance as root, or system-tests/run.sh, installs them)");
        Project project = Project.locate();
        for (ServiceModule service : ServiceModule.of(true)) {
            assume(testClass, project.hasModule(service.module()), service.module() + " is not in this checkout");
        }
    }

    private static void assume(String testClass, boolean condition, String reasonToSkip) {
        if (!condition) {
            System.out.println(testClass + " skipped: " + reasonToSkip);
        }
        Assumptions.assumeTrue(condition, reasonToSkip);
    }

    /**
     * A cold {@code up} in a fresh {@link #dir} below {@code privateParent}, a directory closed to others (mode 700,
     * as a checkout under /root), so the database takes the path a CI machine takes: relocated to /var/tmp.
     */
    IlctlRun upFreshBelow(Path privateParent) throws IOException {
        deleteRecursively(privateParent);
        deleteRecursively(PostgresCluster.relocated(GlanceDatabase.place(new StackLayout(dir))));
        Files.createDirectories(privateParent, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        long started = System.nanoTime();
        IlctlRun up = IlctlRun.of(args("up"));
        System.out.printf("ilctl up (cold, %s Glance) took %d ms%n%s%n%s%n", config.glance(), (System.nanoTime() - started) / 1_000_000,
                up.out(), up.err());
        return up;
    }

    /** {@code down}, and the relocated database, which lies outside the directory. */
    void downAndDeleteDatabase() throws IOException {
        if (Files.isDirectory(dir)) {
            IlctlRun.of(args("down"));
            deleteRecursively(PostgresCluster.relocated(GlanceDatabase.place(new StackLayout(dir))));
        }
    }

    /** Deletes a tree without following symlinks (a relocated database is deleted on its own). */
    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(f -> f.toFile().delete());
        }
    }
}
