package io.imagelib.ilctl.stack;

import com.fasterxml.jackson.databind.JsonNode;
import io.imagelib.deploy.local.ApicurioRegistryProcess;
import io.imagelib.deploy.local.HttpProbe;
import io.imagelib.deploy.local.KafkaCluster;
import io.imagelib.deploy.local.KafkaDistribution;
import io.imagelib.deploy.local.KafkaNode;
import io.imagelib.deploy.local.Lifetime;
import io.imagelib.deploy.local.LocalKeystone;
import io.imagelib.deploy.local.Parallel;
import io.imagelib.deploy.local.PortPlan;
import io.imagelib.deploy.local.Readiness;
import io.imagelib.deploy.local.ServiceFleet;
import io.imagelib.deploy.local.ServiceModule;
import io.imagelib.deploy.local.ServiceProcess;
import io.imagelib.deploy.local.StackProcess;
import io.imagelib.deploy.local.StackSecret;
import io.imagelib.ilctl.IlctlException;
import io.imagelib.ilctl.http.RoleRequest;
import io.imagelib.ilctl.http.ServiceClient;
import io.imagelib.ilctl.http.ServiceRefusedException;
import io.imagelib.ilctl.output.EndpointTable;
import io.imagelib.ilctl.output.HumanDuration;
import io.imagelib.ilctl.output.JsonRows;
import io.imagelib.ilctl.output.OutputFormat;
import io.imagelib.ilctl.output.Table;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The whole system on one machine: Kafka, the registry, the services and N Glance hosts, with real Glance also
 * Keystone (its catalog pointing clients at the router) and catalog-sync, all under one state directory. {@link #up} starts only what is not running (so it can be repeated), {@link #down} stops exactly the
 * PIDs recorded in the state directory, {@link #status} reports each component.
 */
public final class LocalStack {

    public static final String STORAGE_ID = "imagelib-local-share";
    private static final Duration SERVICE_READY_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration ADMIN_TIMEOUT = Duration.ofMinutes(2);
    // A new stack's election moves the admin to the last host within a second or two of its role; 5 s unchanged is settled.
    private static final Duration ADMIN_SETTLE = Duration.ofSeconds(5);
    /** A fresh stack on a busy machine can answer 503 (Kafka or the registry not taking writes yet). */
    private static final int ROLE_ATTEMPTS = 20;
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);

    private final Project project;
    private final StackLayout layout;
    private final PrintWriter out;

    public LocalStack(Project project, StackLayout layout, PrintWriter out) {
        this.project = project;
        this.layout = layout;
        this.out = out;
    }

    // ---------------------------------------------------------------- up

    /** Starts what is not running; returns the components this checkout does not have (nothing faked in their place). */
    public List<String> up(StackConfig config, GlanceLauncher glance) {
        running().filter(running -> !running.equals(config)).ifPresent(running -> {
            throw IlctlException.stack("The stack in " + layout.dir() + " runs with " + running
                    + "; stop it first (ilctl down --dir " + layout.dir() + ") or use another --dir");
        });
        config.save(layout.stateFile());
        String token = token();
        List<ServiceModule> services = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (ServiceModule service : ServiceModule.of(config.glance() == StackConfig.GlanceMode.real)) {
            if (project.hasModule(service.module())) {
                services.add(service);
            } else {
                missing.add(service.module());
            }
        }
        step("Build", () -> build(services, glance));
        missing.forEach(module -> say("  %-22s MISSING: module %s is not in this checkout (not started, nothing in its place)", module, module));
        KafkaCluster kafka = step("Kafka", () -> startKafka(config));
        ApicurioRegistryProcess registry = step("Schema registry", () -> startRegistry(config));
        if (config.glance() == StackConfig.GlanceMode.real) {
            step("Keystone (catalog: glance public/internal -> router, admin -> admin host)", () -> startKeystone(config));
        }
        step("Services", () -> startServices(config, services, kafka.bootstrapServers(), registry.ccompatUrl(), token));
        step(config.glance() == StackConfig.GlanceMode.simulated ? "Glance hosts (SIMULATED)" : "Glance hosts (glance-api, PostgreSQL)", () -> {
            glance.start(config, layout, out);
            return null;
        });
        if (services.contains(ServiceModule.ROLE)) {
            step("Roles", () -> assignRoles(config, token));
        } else {
            say("  role-service is missing: no roles assigned");
        }
        if (services.contains(ServiceModule.ENDPOINT)) {
            step("Admin endpoint", () -> awaitAdmin(config, token));
        } else {
            say("  endpoint-service is missing: no endpoint table");
        }
        if (services.contains(ServiceModule.CATALOG_SYNC) && services.contains(ServiceModule.ENDPOINT)) {
            step("Keystone catalog", () -> awaitCatalog(config, token));
        }
        summary(config, token);
        return missing;
    }

    /** The settings of the stack in this directory while any of its processes runs. */
    public Optional<StackConfig> running() {
        return StackConfig.load(layout.stateFile()).filter(saved -> status().stream().anyMatch(c -> c.pid() != null));
    }

    private <T> T step(String name, Supplier<T> action) {
        say("==> %s", name);
        long started = System.nanoTime();
        T result;
        try {
            result = action.get();
        } catch (IllegalStateException | UncheckedIOException e) {
            // The deploy library's failures (a command's exit code, Keystone's answer) already say what went wrong.
            throw IlctlException.stack(name + " failed: " + e.getMessage());
        }
        say("    (%s)", HumanDuration.of(Duration.ofNanos(System.nanoTime() - started)));
        return result;
    }

    private Void build(List<ServiceModule> services, GlanceLauncher glance) {
        List<String> modules = new ArrayList<>();
        if (!project.kafkaLibBuilt()) {
            modules.add("deploy");
        }
        services.stream().map(ServiceModule::module).filter(m -> project.jar(m).isEmpty()).forEach(modules::add);
        glance.module().filter(m -> project.jar(m).isEmpty()).ifPresent(modules::add);
        if (modules.isEmpty()) {
            say("  all jars built");
        } else {
            Path log = layout.logs().resolve("build.log");
            say("  building %s: ./mvnw -pl %s -am package -DskipTests (log %s)", modules, String.join(",", modules), log);
            project.build(modules, log, module -> say("    building %s", module));
        }
        if (!Files.isRegularFile(ApicurioRegistryProcess.appJar(project.root()))) {
            ApicurioRegistryProcess.buildIfMissing(project.root(), firstLineOnly());
        }
        return null;
    }

    /** The registry build prints every Maven line; the first says what happens and where the log is. */
    private Consumer<String> firstLineOnly() {
        boolean[] said = {false};
        return line -> {
            if (!said[0]) {
                say("  %s", line);
                said[0] = true;
            }
        };
    }

    private Void startKeystone(StackConfig config) {
        LocalKeystone keystone = Keystone.start(project, config, layout, out);
        // The last host given the role becomes the admin; catalog-sync corrects this whenever that changes.
        keystone.catalog(config.region(), config.serviceUrl(ServiceModule.ROUTER), config.glanceHosts().getLast().url(), false);
        Keystone.writeClientFiles(keystone, layout);
        say("  %-22s %s, %s", "clients", layout.openrc(), layout.cloudsYaml());
        return null;
    }

    /** Waits until Keystone lists the admin endpoint-service elected: catalog-sync has caught up. */
    private Void awaitCatalog(StackConfig config, String token) {
        LocalKeystone keystone = Keystone.of(project, layout);
        ServiceClient endpoints = endpointClient(config, token);
        long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            List<JsonNode> admin = JsonRows.items(adminEndpoints(endpoints, config.region()), "endpoints");
            List<String> listed = keystone.endpointUrls(config.region(), "admin");
            if (!admin.isEmpty() && listed.equals(List.of(admin.get(0).path("url").asText()))) {
                say("  Keystone lists glance admin %s (kept current by catalog-sync)", listed.get(0));
                return null;
            }
            Readiness.pause();
        }
        throw IlctlException.timedOut("Keystone's catalog does not list endpoint-service's admin for " + config.region()
                + " after " + ADMIN_TIMEOUT.toSeconds() + " s; see " + layout.process(ServiceModule.CATALOG_SYNC.module()).logFile());
    }

    private KafkaCluster startKafka(StackConfig config) {
        KafkaCluster cluster;
        boolean wasRunning;
        try {
            cluster = KafkaCluster.create(layout.kafkaDir(), distribution(), KafkaCluster.Topology.SINGLE_NODE, config.kafkaPort());
            wasRunning = cluster.nodes().stream().allMatch(KafkaNode::isRunning);
            cluster.start(Lifetime.DETACHED, KafkaCluster.DEFAULT_READY_TIMEOUT);
        } catch (RuntimeException e) {
            throw IlctlException.stack("Kafka did not start: " + e.getMessage());
        }
        say("  %-22s %-40s %s (PID %s)", "kafka", cluster.bootstrapServers(), wasRunning ? "already running" : "started",
                cluster.nodes().get(0).pid().orElse(-1));
        return cluster;
    }

    private ApicurioRegistryProcess startRegistry(StackConfig config) {
        Optional<ApicurioRegistryProcess> running = ApicurioRegistryProcess.find(layout.registryDir());
        ApicurioRegistryProcess registry;
        try {
            registry = running.orElseGet(() -> ApicurioRegistryProcess.start(project.root(), layout.registryDir(),
                    config.registryPort(), Lifetime.DETACHED, ApicurioRegistryProcess.DEFAULT_READY_TIMEOUT, firstLineOnly()));
        } catch (RuntimeException e) {
            throw IlctlException.stack("The schema registry did not start: " + e.getMessage());
        }
        say("  %-22s %-40s %s (PID %d)", "registry", registry.ccompatUrl(), running.isPresent() ? "already running" : "started", registry.pid());
        return registry;
    }

    private Void startServices(StackConfig config, List<ServiceModule> services, String bootstrap, String registryUrl, String token) {
        ServiceProcess.Shared shared = new ServiceProcess.Shared(bootstrap, registryUrl, token, "ilctl", config.replicas());
        new ServiceFleet(layout.processes(), PortPlan.offset(config.portOffset()), this::extractedJar, shared, "384m", Lifetime.DETACHED)
                .start(services, service -> serviceEnvironment(config, service), SERVICE_READY_TIMEOUT, new ServiceFleet.Progress() {
                    @Override
                    public void alreadyRunning(ServiceProcess instance, ProcessHandle process) {
                        say("  %-22s %-40s already running (PID %d)", instance.process().name(), instance.url(), process.pid());
                    }

                    @Override
                    public void started(ServiceProcess instance, ProcessHandle process) {
                        say("  %-22s %-40s started (PID %d), log %s", instance.process().name(), instance.url(), process.pid(),
                                instance.process().logFile());
                    }

                    @Override
                    public void ready(ServiceProcess instance) {
                        say("  %-22s ready", instance.process().name());
                    }
                });
        return null;
    }

    /** Each module's Boot jar extracted under app/: it starts faster. */
    private Path extractedJar(ServiceModule service) {
        Path bootJar = project.jar(service.module()).orElseThrow(() -> IlctlException.stack("No jar for " + service.module()));
        return ExtractedJar.of(bootJar, layout.dir().resolve("app").resolve(service.module()), layout.process(service.module()).logFile());
    }

    /** What this stack adds for one service: the monitor's probe of real hosts, catalog-sync's Keystone login. */
    private Map<String, String> serviceEnvironment(StackConfig config, ServiceModule service) {
        if (service == ServiceModule.MONITOR && config.glance() == StackConfig.GlanceMode.real) {
            // Hosts that validate tokens answer the default deep check (GET /v2/images) with 401 to a probe without one;
            // /versions runs through glance-api's WSGI app without a token. The one database is not per host anyway.
            return Map.of("IMAGELIB_MONITOR_DEEPCHECKPATH", "/versions");
        }
        if (service == ServiceModule.CATALOG_SYNC) {
            return Keystone.of(project, layout).catalogSyncLogin();
        }
        return Map.of();
    }

    private Void assignRoles(StackConfig config, String token) {
        ServiceClient roles = new ServiceClient("role-service", config.serviceUrls(ServiceModule.ROLE), Optional.of(token), Duration.ofSeconds(30));
        for (GlanceHost host : config.glanceHosts()) {
            RoleRequest request = new RoleRequest(host.url(), host.url(),
                    new RoleRequest.Storage("NFS", layout.glanceData().toString(), STORAGE_ID, null));
            putRole(roles, RoleRequest.path(config.region(), host.name()), request);
            say("  %-22s image-library role in %s (probe on), shared store %s", host.name(), config.region(), layout.glanceData());
        }
        return null;
    }

    /** Role-service's 503 says "retry the same request: repeating it is safe" (the PUT is idempotent): do so. */
    private void putRole(ServiceClient roles, String path, RoleRequest request) {
        for (int attempt = 1; ; attempt++) {
            try {
                roles.put(path, request);
                return;
            } catch (ServiceRefusedException e) {
                if (e.status() != 503 || attempt == ROLE_ATTEMPTS) {
                    throw e;
                }
                say("  role-service answered 503 (attempt %d of %d), retrying", attempt, ROLE_ATTEMPTS);
                Readiness.pause();
            }
        }
    }

    /**
     * Waits for the admin the election settles on. On a new stack that is the last host given the role, but the first
     * admin published may be an earlier host (its role arrived first), so that one is not printed as the answer. On a
     * stack started again the admin stays where a failover put it, so an admin unchanged for {@link #ADMIN_SETTLE}
     * is the answer too.
     */
    private Void awaitAdmin(StackConfig config, String token) {
        ServiceClient endpoints = endpointClient(config, token);
        GlanceHost lastAssigned = config.glanceHosts().getLast();
        long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
        String seen = null;
        long seenSince = 0;
        while (System.nanoTime() < deadline) {
            List<JsonNode> admin = JsonRows.items(adminEndpoints(endpoints, config.region()), "endpoints");
            String url = admin.isEmpty() ? null : admin.get(0).path("url").asText();
            if (lastAssigned.url().equals(url)) {
                say("  admin: %s (%s, the last host given the role)", url, lastAssigned.name());
                return null;
            }
            if (url != null && !url.equals(seen)) {
                seen = url;
                seenSince = System.nanoTime();
            } else if (url != null && System.nanoTime() - seenSince > ADMIN_SETTLE.toNanos()) {
                String holder = config.glanceHosts().stream().filter(h -> h.url().equals(url)).map(GlanceHost::name)
                        .findFirst().orElse("a host not of this stack");
                say("  admin: %s (%s: the admin moves only on a failover or ilctl endpoint set, so it need not be %s, "
                        + "the last host given the role)", url, holder, lastAssigned.name());
                return null;
            }
            Readiness.pause();
        }
        throw IlctlException.timedOut("endpoint-service shows no admin endpoint for " + config.region() + " after "
                + ADMIN_TIMEOUT.toSeconds() + " s; see " + layout.logs());
    }

    private static JsonNode adminEndpoints(ServiceClient endpoints, String region) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("service", "glance");
        query.put("interface", "admin");
        query.put("region", region);
        return endpoints.get("/v1/endpoints", query);
    }

    private static ServiceClient endpointClient(StackConfig config, String token) {
        return new ServiceClient("endpoint-service", config.serviceUrls(ServiceModule.ENDPOINT), Optional.of(token), Duration.ofSeconds(10));
    }

    private void summary(StackConfig config, String token) {
        say("");
        say("Listening:");
        out.print(new Table(ComponentStatus.COLUMNS, status().stream().map(ComponentStatus::row).toList()).render(OutputFormat.table));
        if (config.glance() == StackConfig.GlanceMode.simulated) {
            say("Glance hosts are SIMULATED (glance-simulator), sharing %s", layout.glanceData());
        } else {
            say("Glance hosts are real glance-api processes sharing %s and the database %s", layout.glanceData(),
                    GlanceDatabase.connectionUrl(config));
        }
        say("Token for changes: %s (ilctl reads it from there)", layout.tokenFile());
        if (project.hasModule(ServiceModule.ENDPOINT.module())) {
            say("");
            say("ilctl endpoint list --service glance --region %s", config.region());
            Map<String, String> query = new LinkedHashMap<>();
            query.put("service", "glance");
            query.put("region", config.region());
            out.print(EndpointTable.of(endpointClient(config, token).get("/v1/endpoints", query)).render(OutputFormat.table));
        }
        say("");
        boolean defaultDir = layout.dir().equals(Path.of(".imagelib").toAbsolutePath().normalize());
        NextSteps.lines(config, layout.openrc(), layout.cloudsYaml(), defaultDir ? "" : " --dir " + layout.dir()).forEach(out::println);
        out.flush();
    }

    // ---------------------------------------------------------------- status

    /** Each component with PID, address, state and what it answered. */
    public List<ComponentStatus> status() {
        StackConfig config = StackConfig.load(layout.stateFile()).orElseThrow(() -> IlctlException.stack(
                "No stack in " + layout.dir() + " (no " + layout.stateFile().getFileName() + "); start one with: ilctl up --dir " + layout.dir()));
        List<ComponentStatus> rows = new ArrayList<>();
        rows.add(kafkaStatus(config));
        rows.add(registryStatus(config));
        if (config.glance() == StackConfig.GlanceMode.real) {
            rows.add(processStatus(Keystone.NAME, "Keystone", Keystone.url(config).toString(), Keystone.url(config) + "/v3"));
        }
        for (ServiceModule service : ServiceModule.of(config.glance() == StackConfig.GlanceMode.real)) {
            if (!project.hasModule(service.module())) {
                rows.add(new ComponentStatus(service.module(), "service", null, config.serviceUrl(service), "missing", "module not in this checkout"));
                continue;
            }
            for (int instance = 1; instance <= config.replicas(); instance++) {
                rows.add(processStatus(service.instanceName(instance), "service", config.serviceUrl(service, instance),
                        config.serviceUrl(service, instance) + service.readinessPath()));
            }
        }
        if (config.glance() == StackConfig.GlanceMode.real) {
            rows.add(GlanceDatabase.status(config, layout));
        }
        for (GlanceHost host : config.glanceHosts()) {
            rows.add(processStatus(host.name(), host.kind(), host.url(), host.url() + "/healthcheck"));
        }
        return rows;
    }

    private ComponentStatus kafkaStatus(StackConfig config) {
        Optional<KafkaNode> node = project.kafkaLibBuilt()
                ? KafkaCluster.open(layout.kafkaDir(), distribution()).map(c -> c.nodes().get(0))
                : Optional.empty();
        Long pid = node.filter(KafkaNode::isRunning).map(n -> n.pid().getAsLong()).orElse(null);
        String address = node.map(KafkaNode::bootstrapServer).orElse(config.bootstrapServers());
        int port = node.map(n -> n.spec().port()).orElse(config.kafkaPort());
        return new ComponentStatus("kafka", "Kafka broker (KRaft)", pid, address, pid == null ? "stopped" : "running",
                pid == null ? "-" : HttpProbe.accepts(port) ? "ready" : "no answer");
    }

    private ComponentStatus registryStatus(StackConfig config) {
        Optional<ApicurioRegistryProcess> registry = ApicurioRegistryProcess.find(layout.registryDir());
        if (registry.isEmpty()) {
            return new ComponentStatus("registry", "Apicurio registry", null, config.registryUrl(), "stopped", "-");
        }
        HttpProbe.Answer answer = HttpProbe.get(registry.get().ccompatUrl() + "/subjects");
        return new ComponentStatus("registry", "Apicurio registry", registry.get().pid(), registry.get().ccompatUrl(), "running",
                answer.ok() ? "ready" : answer.describe());
    }

    private ComponentStatus processStatus(String name, String kind, String address, String healthUrl) {
        Optional<ProcessHandle> running = layout.process(name).running();
        if (running.isEmpty()) {
            return new ComponentStatus(name, kind, null, address, "stopped", "-");
        }
        HttpProbe.Answer answer = HttpProbe.get(healthUrl);
        String health = answer.ok() ? "ready"
                : answer.status() == 503 && answer.body().contains("DISABLED BY FILE") ? "draining (disable file)"
                : "not ready (" + answer.describe() + ")";
        return new ComponentStatus(name, kind, running.get().pid(), address, "running", health);
    }

    // ---------------------------------------------------------------- down

    /** Stops every process up recorded (hosts and services first, then registry and Kafka); returns what it stopped. */
    public List<String> down() {
        List<String> stopped = new CopyOnWriteArrayList<>();
        // Clients first, so the database, the registry and Kafka do not wait on connections that are going away.
        Parallel.each(recordedProcesses().stream()
                .filter(process -> !process.name().equals(GlanceDatabase.NAME) && !process.name().equals(Keystone.NAME))
                .toList(), process -> stopOne(process, stopped));
        List<Runnable> infrastructure = List.of(
                () -> stopOne(layout.process(GlanceDatabase.NAME), stopped),
                () -> stopOne(layout.process(Keystone.NAME), stopped),
                () -> ApicurioRegistryProcess.find(layout.registryDir()).ifPresent(registry -> {
                    long pid = registry.pid();
                    registry.stop();
                    report(stopped, "registry", pid);
                }),
                () -> {
                    if (project.kafkaLibBuilt()) {
                        KafkaCluster.open(layout.kafkaDir(), distribution()).ifPresent(cluster -> {
                            List<Long> pids = cluster.nodes().stream().filter(KafkaNode::isRunning).map(n -> n.pid().getAsLong()).toList();
                            cluster.stop();
                            pids.forEach(pid -> report(stopped, "kafka", pid));
                        });
                    }
                });
        Parallel.each(infrastructure, Runnable::run);
        return stopped;
    }

    private void stopOne(StackProcess process, List<String> stopped) {
        Optional<Long> pid = process.running().map(ProcessHandle::pid);
        if (process.stop(STOP_GRACE)) {
            report(stopped, process.name(), pid.orElse(-1L));
        }
    }

    private void report(List<String> stopped, String name, long pid) {
        stopped.add(name);
        say("  stopped %-22s (PID %d)", name, pid);
    }

    /** Every pid file under pids/: exactly what up started, whatever --hosts said then. */
    private List<StackProcess> recordedProcesses() {
        if (!Files.isDirectory(layout.pids())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(layout.pids())) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".pid"))
                    .map(n -> layout.process(n.substring(0, n.length() - ".pid".length())))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + layout.pids(), e);
        }
    }

    // ---------------------------------------------------------------- helpers

    private KafkaDistribution distribution() {
        return new KafkaDistribution(project.kafkaLib());
    }

    /** The bearer token of this stack's services. */
    private String token() {
        return StackSecret.readOrCreate(layout.tokenFile());
    }

    synchronized void say(String format, Object... args) {
        out.println(String.format(format, args));
        out.flush();
    }
}
