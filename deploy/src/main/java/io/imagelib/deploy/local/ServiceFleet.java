package io.imagelib.deploy.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every instance of a stack's services, started, awaited and stopped the one way {@code ilctl up} and the system tests
 * share: instance n of service s is named {@link ServiceModule#instanceName}, listens on the {@link PortPlan}'s port,
 * keeps its pid file, log and Streams state in the stack's {@link ProcessDir}, and is started in wave n (all services'
 * instance 1, their readiness, then instance 2, ...). A stack adds only its own settings.
 */
public final class ServiceFleet {

    /** What a stack is told while its services start; the default says nothing. */
    public interface Progress {

        default void alreadyRunning(ServiceProcess instance, ProcessHandle process) {
        }

        default void started(ServiceProcess instance, ProcessHandle process) {
        }

        /** Readiness answered; a stack may check more and throw (a test's port taken by another process). */
        default void ready(ServiceProcess instance) {
        }
    }

    private final ProcessDir dir;
    private final PortPlan ports;
    private final Function<ServiceModule, Path> jars;
    private final ServiceProcess.Shared shared;
    private final String maxHeap;
    private final Lifetime lifetime;
    private final Map<String, ServiceProcess> instances = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> environments = new LinkedHashMap<>();

    /** {@code jars}: the jar to run for a module, asked once per start and only when an instance of it must be launched. */
    public ServiceFleet(ProcessDir dir, PortPlan ports, Function<ServiceModule, Path> jars, ServiceProcess.Shared shared, String maxHeap,
                        Lifetime lifetime) {
        this.dir = dir;
        this.ports = ports;
        this.jars = jars;
        this.shared = shared;
        this.maxHeap = maxHeap;
        this.lifetime = lifetime;
    }

    /**
     * Starts, in one wave per instance number, each instance of {@code services} that does not run, with the stack's
     * environment plus {@code extraEnv} of its service (kept for its restarts), and waits for each wave's readiness.
     * Eight or more Spring Boot JVMs starting at once on 2 cores outran a 3-minute ready timeout at load 60; within a
     * wave they start in parallel, as waiting for each in turn would add their start times up.
     */
    public void start(List<ServiceModule> services, Function<ServiceModule, Map<String, String>> extraEnv, Duration readyTimeout,
                      Progress progress) {
        Map<ServiceModule, Path> jarsOfThisStart = new LinkedHashMap<>();
        for (int instance = 1; instance <= shared.replicas(); instance++) {
            List<ServiceProcess> wave = new ArrayList<>();
            for (ServiceModule service : services) {
                String name = service.instanceName(instance);
                StackProcess process = dir.process(name);
                Optional<ProcessHandle> running = process.running();
                // An instance found running keeps its jar: only what this fleet launches is given one (and can relaunch).
                Path jar = running.isPresent() ? null : jarsOfThisStart.computeIfAbsent(service, jars);
                ServiceProcess launch = new ServiceProcess(service, jar, ports.port(service, instance), process, dir.jvmMarker(name));
                instances.put(name, launch);
                if (running.isPresent()) {
                    progress.alreadyRunning(launch, running.get());
                    continue;
                }
                Map<String, String> env = environment(launch, instance);
                env.putAll(extraEnv.apply(service));
                environments.put(name, env);
                progress.started(launch, launch(launch));
                wave.add(launch);
            }
            Parallel.each(wave, launch -> {
                launch.awaitReady(readyTimeout);
                progress.ready(launch);
            });
        }
    }

    /** What every stack gives an instance on top of {@link ServiceProcess#environment}. */
    private Map<String, String> environment(ServiceProcess launch, int instance) {
        Map<String, String> env = launch.environment(shared);
        // <service>-<n>, as compose names its instances: records, metrics and DLT headers tell the instances apart.
        env.put("IMAGELIB_KAFKA_INSTANCE_ID", launch.service().module() + "-" + instance);
        env.put("IMAGELIB_STATE_DIR", dir.stateDir(launch.process().name()).toString());
        return env;
    }

    private ProcessHandle launch(ServiceProcess instance) {
        Path workDir = dir.stateDir(instance.process().name());
        return instance.start(maxHeap, environments.get(instance.process().name()), workDir, lifetime);
    }

    /** Starts a stopped or killed instance this fleet launched again with the same jar, port and environment, without waiting. */
    public ProcessHandle relaunch(String name) {
        ServiceProcess instance = instance(name);
        instance.process().running().ifPresent(running -> {
            throw new IllegalStateException(name + " is still running (PID " + running.pid() + ")");
        });
        if (!environments.containsKey(name)) {
            throw new IllegalStateException(name + " ran before this fleet started: it has nothing to relaunch it with");
        }
        return launch(instance);
    }

    /** The instance named {@code name} ({@link ServiceModule#instanceName}) of this fleet. */
    public ServiceProcess instance(String name) {
        ServiceProcess instance = instances.get(name);
        if (instance == null) {
            throw new IllegalArgumentException("No service " + name + " in this stack; services: " + instances.keySet());
        }
        return instance;
    }

    /** Every instance, in the order they were started. */
    public List<ServiceProcess> instances() {
        return List.copyOf(instances.values());
    }

    /** SIGTERM to every instance at once, SIGKILL to any still running after {@code grace}. */
    public void stop(Duration grace) {
        StackProcess.stopAll(instances.values().stream().map(ServiceProcess::process).toList(), grace);
    }
}
