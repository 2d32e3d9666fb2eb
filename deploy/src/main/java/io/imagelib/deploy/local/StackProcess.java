package io.imagelib.deploy.local;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * A process of a local stack known by its pid file, which holds the PID and a marker: one argument of its command
 * line that is unique to this component of this state directory (a path under it). A PID is only believed while
 * that process still has the marker among its arguments: a PID the kernel recycled for something else is never
 * reported as ours, and never signalled. The one supervisor of {@code ilctl up} (processes {@link Lifetime#DETACHED
 * detached}, found again by later ilctl runs) and of the tests (processes {@link Lifetime#TIED_TO_THIS_JVM owned}).
 *
 * @param name    component name, e.g. {@code role-service}
 * @param pidFile where the PID and the marker are kept
 * @param logFile stdout and stderr of the process
 */
public record StackProcess(String name, Path pidFile, Path logFile) {

    private static final Duration KILL_WAIT = Duration.ofSeconds(10);
    private static final Duration ARGUMENTS_WAIT = Duration.ofSeconds(1);

    /** The running process, if the pid file names a live one that still has its marker argument. */
    public Optional<ProcessHandle> running() {
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        try {
            List<String> lines = Files.readAllLines(pidFile);
            if (lines.size() < 2) {
                return Optional.empty();
            }
            long pid = Long.parseLong(lines.get(0).strip());
            String marker = lines.get(1);
            return ProcessHandle.of(pid).filter(process -> hasArgument(process, marker));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * While a process execs, the kernel shows it with no arguments for a moment (and a zombie has none): an alive PID
     * without arguments is read again for up to {@link #ARGUMENTS_WAIT} before it is called someone else's. Without
     * this, a host polled right after its start was once reported as exited.
     */
    private static boolean hasArgument(ProcessHandle process, String marker) {
        long deadline = System.nanoTime() + ARGUMENTS_WAIT.toNanos();
        while (process.isAlive()) {
            Optional<String[]> arguments = process.info().arguments();
            if (arguments.isPresent()) {
                return Arrays.asList(arguments.get()).contains(marker);
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
        return false;
    }

    /**
     * Starts {@code command} in {@code workDir}, stdout and stderr appended to the log, and records it. Detached, it
     * keeps running after this JVM exits, in its own session so a Ctrl-C in the terminal that started it does not
     * reach it; tied, a shutdown hook kills it with this JVM. {@code marker} must be one of its arguments.
     */
    public ProcessHandle start(List<String> command, String marker, Map<String, String> environment, Path workDir, Lifetime lifetime) {
        if (!command.subList(1, command.size()).contains(marker)) {
            throw new IllegalArgumentException("The command of " + name + " must have its marker " + marker + " as an argument");
        }
        try {
            Files.createDirectories(logFile.getParent());
            Files.createDirectories(workDir);
            ProcessBuilder builder = new ProcessBuilder(lifetime == Lifetime.DETACHED ? detached(command) : command)
                    .directory(workDir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            builder.environment().putAll(environment);
            ProcessHandle process = builder.start().toHandle();
            record(process.pid(), marker);
            if (lifetime == Lifetime.TIED_TO_THIS_JVM) {
                // Never removed: after the process ends, the handle (PID and start time) matches nothing.
                Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "stop " + name));
            }
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name + ": " + String.join(" ", command), e);
        }
    }

    /** Records a process started by someone else (e.g. PostgreSQL's postmaster, started by pg_ctl). */
    public void record(long pid, String marker) {
        try {
            Files.createDirectories(pidFile.getParent());
            Files.writeString(pidFile, pid + "\n" + marker + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + pidFile, e);
        }
    }

    /** {@code setsid} execs in place (our child is never a group leader), so the PID stays the one we record. */
    private static List<String> detached(List<String> command) {
        if (!Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            return command;
        }
        return Stream.concat(Stream.of("/usr/bin/setsid"), command.stream()).toList();
    }

    /** SIGTERM, up to {@code grace} to exit, then SIGKILL; returns true when something was stopped. */
    public boolean stop(Duration grace) {
        Optional<ProcessHandle> process = running();
        if (process.isEmpty()) {
            forget();
            return false;
        }
        ProcessHandle handle = process.get();
        handle.destroy();
        if (!awaitExit(handle, grace)) {
            killAndAwait(handle);
        }
        forget();
        return true;
    }

    /** SIGTERM to all at once (they shut down in parallel), SIGKILL to any still running after {@code grace}. */
    public static void stopAll(Collection<StackProcess> processes, Duration grace) {
        try (ExecutorService stopping = Executors.newVirtualThreadPerTaskExecutor()) {
            processes.forEach(process -> stopping.submit(() -> process.stop(grace)));
        }
    }

    /** SIGKILL, as a crash or a pulled plug would: no clean shutdown. Returns once the PID is gone. */
    public void kill() {
        killAndAwait(running().orElseThrow(() -> new IllegalStateException(name + " is not running")));
        forget();
    }

    private void killAndAwait(ProcessHandle handle) {
        handle.destroyForcibly();
        if (!awaitExit(handle, KILL_WAIT)) {
            throw new IllegalStateException(name + " (PID " + handle.pid() + ") survived SIGKILL for " + KILL_WAIT.toSeconds() + " s");
        }
    }

    /** True once the process is gone, false if it still runs after {@code timeout}. */
    private static boolean awaitExit(ProcessHandle handle, Duration timeout) {
        handle.onExit().completeOnTimeout(handle, timeout.toMillis(), TimeUnit.MILLISECONDS).join();
        return !handle.isAlive();
    }

    private void forget() {
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + pidFile, e);
        }
    }
}
