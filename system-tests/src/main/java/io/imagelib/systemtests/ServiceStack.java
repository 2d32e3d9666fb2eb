package io.imagelib.systemtests;

import io.imagelib.deploy.local.ApicurioRegistryProcess;
import io.imagelib.deploy.local.KafkaCluster;
import io.imagelib.deploy.local.KafkaDistribution;
import io.imagelib.deploy.local.Lifetime;
import io.imagelib.deploy.local.LocalResources;
import io.imagelib.deploy.local.PortPlan;
import io.imagelib.deploy.local.ProcessDir;
import io.imagelib.deploy.local.ServiceFleet;
import io.imagelib.deploy.local.ServiceModule;
import io.imagelib.deploy.local.ServiceProcess;
import io.imagelib.deploy.local.Shell;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Our services as a user runs them: {@code java -jar <module>/target/<module>-*.jar} processes, on a local KRaft
 * Kafka and the Apicurio registry from the deploy launchers, configured only through environment variables.
 */
public final class ServiceStack implements AutoCloseable {

    /** Every service but catalog-sync, which a scenario with a Keystone starts ({@link #startModule}). */
    public static final List<String> SERVICES = ServiceModule.of(false).stream().map(ServiceModule::module).toList();
    /** Bearer token the role-service accepts for mutations in this stack (test-only). */
    public static final String ADMIN_TOKEN = "system-tests-admin-token";
    // Only a start-up wait: at load average 40+ on this machine a service took 100-110 s to start.
    static final Duration READY_TIMEOUT = Duration.ofSeconds(Long.getLong("imagelib.systemtests.ready-timeout-seconds", 300));

    /**
     * How to start the stack. {@code kafka}: one node, or three brokers (the catalogue's replication factor 3 and
     * min.insync 2, and the Streams internal topics replicated 3 times, so one broker may die) on combined nodes or
     * with three dedicated controllers. The registry always keeps its schemas in a file under the stack's directory,
     * so {@link #stopRegistry()} and {@link #startRegistry()} are an outage, not a loss of every schema id.
     * {@code replicas}: instances of every service, named as {@link ServiceModule#instanceName}.
     */
    public record Options(KafkaCluster.Topology kafka, int replicas) {
        public static Options defaults() {
            return new Options(KafkaCluster.Topology.SINGLE_NODE, 1);
        }

        public Options withKafka(KafkaCluster.Topology topology) {
            return new Options(topology, replicas);
        }

        public Options withReplicas(int instances) {
            return new Options(kafka, instances);
        }
    }

    /** A service started again: when its JVM was launched and when its readiness answered 200 (System.nanoTime). */
    public record Restart(long launchedNanos, long readyNanos) {
        public Duration launchToReady() {
            return Duration.ofNanos(readyNanos - launchedNanos);
        }
    }

    private final KafkaCluster kafka;
    private final Path registryDir;
    private final int registryPort;
    private ApicurioRegistryProcess registry;
    private final ServiceFleet fleet;
    private final Map<String, String> environment;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private ServiceStack(KafkaCluster kafka, ApicurioRegistryProcess registry, Path projectRoot, Path dir, Options options) {
        this.kafka = kafka;
        this.registry = registry;
        this.registryDir = dir.resolve("registry");
        this.registryPort = registry.port();
        // Pid files, logs and Streams state under this stack, not the shared default in /tmp: a restart must find its
        // own state, and parallel lanes (or an earlier run on another cluster) must not share it.
        this.fleet = new ServiceFleet(new ProcessDir(dir), PortPlan.free(), service -> ServiceModule.executableJar(projectRoot, service.module())
                .orElseThrow(() -> new IllegalStateException(service.module() + " jar not built")),
                new ServiceProcess.Shared(kafka.bootstrapServers(), registry.ccompatUrl(), ADMIN_TOKEN, "system-tests", options.replicas()),
                "256m", Lifetime.TIED_TO_THIS_JVM);
        this.environment = Map.of(
                "IMAGELIB_STREAMS_REPLICATION", Integer.toString(options.kafka().brokers()),
                // Requests naming no region, and the router's /actuator/health/upstreams count, are about our region.
                "IMAGELIB_ROUTER_DEFAULT_REGION", Scenarios.REGION,
                "SERVER_ADDRESS", "127.0.0.1");
    }

    /** Services whose jar is not built here; the scenarios that need them are skipped with this list. */
    public static List<String> missingJars(Path projectRoot) {
        return SERVICES.stream().filter(s -> ServiceModule.executableJar(projectRoot, s).isEmpty()).toList();
    }

    /**
     * Starts Kafka (1 node), the registry, then every service, waiting for each one's readiness. {@code dir} is
     * wiped first: records left by an earlier run (old admin epochs, roles) would satisfy this run's waits.
     */
    public static ServiceStack start(Path projectRoot, Path dir) {
        return start(projectRoot, dir, Options.defaults());
    }

    /** {@link #start(Path, Path)} with {@code options} (e.g. a 3-node Kafka). */
    public static ServiceStack start(Path projectRoot, Path dir, Options options) {
        LocalResources.deleteTree(dir);
        long started = System.nanoTime();
        KafkaCluster kafka = KafkaCluster.create(dir.resolve("kafka"), KafkaDistribution.locate(), options.kafka(), 0).start();
        long kafkaReady = System.nanoTime();
        ApicurioRegistryProcess registry = null;
        ServiceStack stack = null;
        try {
            registry = ApicurioRegistryProcess.start(dir.resolve("registry"), 0);
            stack = new ServiceStack(kafka, registry, projectRoot, dir, options);
            stack.startServices(ServiceModule.of(false), Map.of());
            GlanceHosts.report("stack started: Kafka (%s, %d nodes) ready in %d ms, all of it in %d ms",
                    options.kafka(), kafka.nodes().size(), (kafkaReady - started) / 1_000_000, (System.nanoTime() - started) / 1_000_000);
            return stack;
        } catch (RuntimeException e) {
            if (stack != null) {
                stack.close();
            } else {
                if (registry != null) {
                    registry.close();
                }
                kafka.close();
            }
            throw e;
        }
    }

    /** A router that runs: the first instance, or the next while it is down. */
    public URI router() {
        return live(ServiceModule.ROUTER);
    }

    /** Every router instance's URL, running or not: the list a client that knows all routers is given. */
    public List<URI> routers() {
        return instances(ServiceModule.ROUTER.module()).stream().map(this::url).toList();
    }

    public URI roleService() {
        return live(ServiceModule.ROLE);
    }

    /** The names of a service's instances in this stack ({@link ServiceModule#instanceName}): kill and restart take them. */
    public List<String> instances(String module) {
        return fleet.instances().stream().filter(s -> s.service().module().equals(module)).map(s -> s.process().name()).toList();
    }

    private URI live(ServiceModule module) {
        return instances(module.module()).stream().filter(this::isRunning).findFirst().map(this::url)
                .orElseGet(() -> url(module.module()));
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public String registryUrl() {
        return registry.ccompatUrl();
    }

    public KafkaCluster kafka() {
        return kafka;
    }

    /** kill -9 of one service, as a crash; returns when its PID is gone. */
    public void kill(String service) {
        fleet.instance(service).process().kill();
    }

    /** Starts a killed service again with the same jar, port and environment, and waits for its readiness. */
    public Restart restart(String service) {
        long launched = System.nanoTime();
        relaunch(service);
        awaitReady(fleet.instance(service));
        return new Restart(launched, System.nanoTime());
    }

    /**
     * Starts a killed service again without waiting for its readiness: a service that must refuse to start (its
     * records undecodable) never gets ready, and the test watches its log instead.
     */
    public void relaunch(String service) {
        fleet.relaunch(service);
    }

    /** Stops the schema registry (SIGTERM, as an operator or an orchestrator does); its schemas stay on disk. */
    public void stopRegistry() {
        registry.stop();
    }

    /** Starts the registry again on the same port and storage; returns when it answers. */
    public void startRegistry() {
        registry = ApicurioRegistryProcess.start(registryDir, registryPort);
    }

    /** kill -9 of every Kafka node, as a crash; their logs and metadata stay on disk. */
    public void killKafka() {
        kafka.nodes().forEach(node -> kafka.kill(node.nodeId()));
    }

    /** Starts the Kafka nodes that are not running on their own directories and ports; returns when all are ready. */
    public void startKafka() {
        // The stack's start-up wait, not KafkaCluster's 120 s: at load 45 a killed node's restart (log recovery) took longer.
        kafka.start(Lifetime.TIED_TO_THIS_JVM, READY_TIMEOUT);
    }

    /** kill -9 of the schema registry, as a crash; its file storage stays. */
    public void killRegistry() {
        ProcessHandle.of(registry.pid()).ifPresent(process -> {
            process.destroyForcibly();
            process.onExit().join();
        });
    }

    /**
     * The registry's storage lost: stopped, its directory deleted, started again empty on the same port. Schemas are
     * then registered afresh (by the services or by hand) and get new ids in the order they come.
     */
    public void wipeRegistry() {
        registry.stop();
        LocalResources.deleteTree(registryDir);
        startRegistry();
    }

    /**
     * The whole stack stopped as {@code ilctl down} stops it (SIGTERM, services first, then the registry and Kafka)
     * and started again on the same directories and ports, as {@code ilctl up}; returns when every service is ready.
     */
    public void stopAll() {
        fleet.stop(Duration.ofSeconds(10));
        registry.stop();
        kafka.stop();
    }

    /** Starts what {@link #stopAll} stopped: Kafka, the registry, then every service, waiting for their readiness. */
    public void startAll() {
        startKafka();
        startRegistry();
        fleet.instances().stream().filter(s -> s.process().running().isEmpty()).forEach(s -> fleet.relaunch(s.process().name()));
        fleet.instances().forEach(ServiceStack::awaitReady);
    }

    /** The log a service writes (appended to across restarts). */
    public Path log(String service) {
        return fleet.instance(service).process().logFile();
    }

    /** Base URL of one of {@link #SERVICES} (its first instance) or of an instance by name. */
    public URI url(String service) {
        return fleet.instance(service).url();
    }

    /** Whether the service's process still runs: a bad input must never take a service down. */
    public boolean isRunning(String service) {
        return fleet.instance(service).process().running().isPresent();
    }

    /** Starts {@code services} in the fleet's waves with the stack's environment plus {@code extraEnv}, which restarts keep. */
    private void startServices(List<ServiceModule> services, Map<String, String> extraEnv) {
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.putAll(extraEnv);
        fleet.start(services, service -> env, READY_TIMEOUT, new ServiceFleet.Progress() {
            @Override
            public void ready(ServiceProcess instance) {
                requireListening(instance);
            }
        });
    }

    private static void awaitReady(ServiceProcess service) {
        service.awaitReady(READY_TIMEOUT);
        requireListening(service);
    }

    /**
     * The port was picked free and bound later by the service: another stack starting at the same moment can take it
     * in between, and its service would then answer our readiness probe. Only a port our process listens on counts.
     */
    private static void requireListening(ServiceProcess service) {
        long pid = service.process().running().map(ProcessHandle::pid).orElse(-1L);
        String listeners = Shell.attempt("ss", "-ltnpH", "sport = :" + service.port()).output();
        if (!listeners.contains("pid=" + pid + ",")) {
            throw new IllegalStateException(service.service().module() + " (PID " + pid + ") does not own port "
                    + service.port() + ", another process answers there: " + listeners.strip());
        }
    }

    /**
     * PUT the image-library role for a Glance host (NFS-style shared storage: the shared data directory, the same
     * path on every host). Returns the HTTP status.
     */
    public int assignRole(String region, GlanceHosts.Host host, Path sharedDir) throws IOException, InterruptedException {
        String body = """
                {"publicUrl":"%s","adminUrl":"%s","storage":{"type":"NFS","mountPath":"%s","storageId":"ilsys-shared"}}"""
                .formatted(host.baseUrl(), host.baseUrl(), sharedDir);
        return http.send(HttpRequest.newBuilder(roleUri(region, host))
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    /** The router's count of UP hosts in its default region ({@code /actuator/health/upstreams}); -1 if unreadable. */
    public int routerHealthyHosts() {
        try {
            String body = http.send(HttpRequest.newBuilder(router().resolve("/actuator/health/upstreams"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
            var m = java.util.regex.Pattern.compile("\"healthyHosts\"\\s*:\\s*(\\d+)").matcher(body);
            return m.find() ? Integer.parseInt(m.group(1)) : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    public int removeRole(String region, GlanceHosts.Host host) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(roleUri(region, host))
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .DELETE().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private URI roleUri(String region, GlanceHosts.Host host) {
        return roleService().resolve("/v1/regions/" + region + "/hosts/" + host.id() + "/roles/image-library");
    }

    @Override
    public void close() {
        fleet.stop(Duration.ofSeconds(10));
        try {
            registry.close();
        } finally {
            kafka.close();
        }
    }

    /**
     * Starts one more service (e.g. catalog-sync) on this stack's Kafka and registry, with the
     * stack's environment plus {@code extraEnv}, and waits for its readiness; {@link #close} stops it with the
     * others. Returns its base URL.
     */
    public URI startModule(ServiceModule module, Map<String, String> extraEnv) {
        startServices(List.of(module), extraEnv);
        return fleet.instance(module.module()).url();
    }

    public URI endpointService() {
        return live(ServiceModule.ENDPOINT);
    }

    /**
     * The operator's {@code endpoint set --url <host's admin URL> <admin endpoint id>}: PATCH on endpoint-service
     * (the id of the host's own admin endpoint in the region, which the service accepts). Returns the HTTP status:
     * 200 accepted, 409/422 refused with a problem+json reason.
     */
    public int setAdmin(String region, GlanceHosts.Host host) throws IOException, InterruptedException {
        String id = adminEndpointId(region, host.id());
        return http.send(HttpRequest.newBuilder(endpointService().resolve("/v1/endpoints/" + id))
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"url\":\"" + host.baseUrl() + "\"}")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** The endpoint-service's endpoint id: the first 32 hex digits of SHA-256("region|admin|hostId"). */
    static String adminEndpointId(String region, String hostId) {
        return GlanceClient.sha256Hex((region + "|admin|" + hostId).getBytes(java.nio.charset.StandardCharsets.UTF_8)).substring(0, 32);
    }
}
