package io.imagelib.ilctl.stack;

import io.imagelib.ilctl.IlctlRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

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
