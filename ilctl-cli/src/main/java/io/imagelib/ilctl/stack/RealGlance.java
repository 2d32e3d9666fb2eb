package io.imagelib.ilctl.stack;

import io.imagelib.ilctl.IlctlException;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Real Glance hosts, as shared/notes/openstack.md measured them: keystone-less glance-api processes ({@code workers = 0},
 * trusted-auth paste pipeline) over one file store directory and one PostgreSQL database, each with its own port and
 * healthcheck disable file. PostgreSQL is a private cluster under the state directory, started with pg_ctl and
 * recorded like every other process, so {@code down} stops it too.
 */
public final class RealGlance implements GlanceLauncher {

    static final Path GLANCE_API = Path.of("/usr/bin/glance-api");
    /** Component name of the shared database in the state directory. */
    static final String POSTGRES = "postgres";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(5);
    private static final int POSTGRES_PORT = 5433;

    public static boolean installed() {
        return Files.isExecutable(GLANCE_API);
    }

    /** The apt recipe of shared/notes/openstack.md (needs root and the Debian archive; ~1 min). */
    public static void install(StackLayout layout, PrintWriter out) {
        if (installed()) {
            out.println("glance-api is already installed");
            return;
        }
        out.println("==> Installing glance-api and PostgreSQL with apt-get (~1 min, log " + layout.logs().resolve("apt.log") + ")");
        out.flush();
        String script = String.join("\n",
                "set -e",
                "apt-get update",
                "for q in 'glance-common glance/configure_db boolean false' \\",
                "         'glance-common glance/configure_rabbit boolean false' \\",
                "         'glance-common glance/configure_ksat boolean false' \\",
                "         'glance-api glance/configure_api-endpoint boolean false'; do echo \"$q\" | debconf-set-selections; done",
                "DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends glance-api python3-psycopg2 postgresql");
        run(List.of("bash", "-c", script), Map.of(), layout.logs().resolve("apt.log"));
        if (!installed()) {
            throw IlctlException.stack("apt-get finished but " + GLANCE_API + " is not there; see " + layout.logs().resolve("apt.log"));
        }
    }

    @Override
    public Optional<String> module() {
        return Optional.empty();
    }

    @Override
    public void start(StackConfig config, StackLayout layout, PrintWriter out) {
        SimulatedGlance.SharedStore.prepare(layout);
        int pgPort = POSTGRES_PORT + config.portOffset();
        startPostgres(layout, pgPort, out);
        Path common = writeConfigs(config, layout, pgPort);
        Path synced = layout.glanceDir().resolve("db-synced");
        if (!Files.isRegularFile(synced)) {
            run(List.of("/usr/bin/glance-manage", "--config-file", common.toString(), "db_sync"), Map.of(), layout.logs().resolve("glance-manage.log"));
            touch(synced);
        }
        GlanceHosts.startEach(config, layout, out, new GlanceHosts.Launch() {
            @Override
            public List<String> command(GlanceHost host) {
                return List.of(GLANCE_API.toString(), "--config-file", common.toString(), "--config-file", marker(host));
            }

            /** The host's own config file: an argument no other process has. */
            @Override
            public String marker(GlanceHost host) {
                return layout.glanceDir().resolve(host.name() + ".conf").toString();
            }
        }, READY_TIMEOUT);
    }

    /** A private cluster in DIR/postgres on 127.0.0.1 with trust auth: the hosts' one shared database. */
    private static void startPostgres(StackLayout layout, int port, PrintWriter out) {
        StackProcess process = layout.process(POSTGRES);
        Path data = layout.dir().resolve("postgres");
        if (process.running().isPresent()) {
            out.printf("  %-22s %-40s already running (PID %d)%n", "postgres", "127.0.0.1:" + port, process.running().get().pid());
            return;
        }
        Path bin = postgresBin();
        List<String> asPostgres = runningAsRoot()
                ? List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--")
                : List.of();
        if (!Files.isRegularFile(data.resolve("PG_VERSION"))) {
            try {
                Files.createDirectories(data);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create " + data, e);
            }
            if (runningAsRoot()) {
                run(List.of("chown", "postgres:postgres", data.toString()), Map.of(), layout.logs().resolve("postgres-init.log"));
            }
            run(concat(asPostgres, List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-A", "trust", "-U", "postgres")),
                    Map.of(), layout.logs().resolve("postgres-init.log"));
        }
        Path log = layout.logs().resolve("postgres.log");
        if (runningAsRoot()) {
            run(List.of("bash", "-c", "touch " + log + " && chown postgres:postgres " + log), Map.of(), layout.logs().resolve("postgres-init.log"));
        }
        run(concat(asPostgres, List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", log.toString(), "-w",
                "-o", "-p " + port + " -k " + data + " -c listen_addresses=127.0.0.1", "start")), Map.of(),
                layout.logs().resolve("postgres-init.log"));
        long pid = postmasterPid(data);
        process.record(pid, data.toString());
        run(List.of("bash", "-c", "psql -h 127.0.0.1 -p " + port + " -U postgres -tc \"SELECT 1 FROM pg_database WHERE datname='glance'\" | grep -q 1"
                + " || createdb -h 127.0.0.1 -p " + port + " -U postgres glance"), Map.of("PATH", bin + ":/usr/bin:/bin"),
                layout.logs().resolve("postgres-init.log"));
        out.printf("  %-22s %-40s started (PID %d), database glance%n", "postgres", "127.0.0.1:" + port, pid);
    }

    private static Path writeConfigs(StackConfig config, StackLayout layout, int pgPort) {
        Path dir = layout.glanceDir();
        Path paste = dir.resolve("glance-api-paste.ini");
        Path common = dir.resolve("common.conf");
        String disableFiles = config.glanceHosts().stream()
                .map(h -> h.port() + ":" + layout.disableFile(h.name()))
                .collect(Collectors.joining(","));
        write(paste, String.join("\n",
                "[pipeline:glance-api-trusted]",
                "pipeline = cors healthcheck http_proxy_to_wsgi versionnegotiation osprofiler context rootapp",
                "",
                "[composite:rootapp]",
                "paste.composite_factory = glance.api:root_app_factory",
                "/: apiversions",
                "/v2: apiv2app",
                "",
                "[app:apiversions]",
                "paste.app_factory = glance.api.versions:create_resource",
                "",
                "[app:apiv2app]",
                "paste.app_factory = glance.api.v2.router:API.factory",
                "",
                "[filter:healthcheck]",
                "paste.filter_factory = oslo_middleware:Healthcheck.factory",
                "backends = disable_by_files_ports",
                "disable_by_file_paths = " + disableFiles,
                "",
                "[filter:versionnegotiation]",
                "paste.filter_factory = glance.api.middleware.version_negotiation:VersionNegotiationFilter.factory",
                "",
                "[filter:context]",
                "paste.filter_factory = glance.api.middleware.context:ContextMiddleware.factory",
                "",
                "[filter:http_proxy_to_wsgi]",
                "paste.filter_factory = oslo_middleware:HTTPProxyToWSGI.factory",
                "",
                "[filter:osprofiler]",
                "paste.filter_factory = osprofiler.web:WsgiMiddleware.factory",
                "",
                "[filter:cors]",
                "paste.filter_factory = oslo_middleware.cors:filter_factory",
                "oslo_config_project = glance",
                "oslo_config_program = glance-api",
                ""));
        write(common, String.join("\n",
                "[DEFAULT]",
                "transport_url = fake://",
                "workers = 0",
                "bind_host = 127.0.0.1",
                "node_staging_uri = file://" + layout.glanceDir().resolve("staging"),
                "",
                "[database]",
                "connection = postgresql://postgres@127.0.0.1:" + pgPort + "/glance",
                "",
                "[glance_store]",
                "stores = file,http",
                "default_store = file",
                "filesystem_store_datadir = " + layout.glanceData(),
                "",
                "[paste_deploy]",
                "flavor = trusted",
                "config_file = " + paste,
                ""));
        for (GlanceHost host : config.glanceHosts()) {
            write(dir.resolve(host.name() + ".conf"), "[DEFAULT]\nbind_port = " + host.port() + "\n");
        }
        return common;
    }

    private static Path postgresBin() {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.max(Comparator.comparing(p -> Integer.parseInt(p.getFileName().toString().replaceAll("\\D", "0"))))
                    .map(p -> p.resolve("bin"))
                    .filter(p -> Files.isExecutable(p.resolve("pg_ctl")))
                    .orElseThrow(() -> IlctlException.stack("No PostgreSQL under /usr/lib/postgresql; run ilctl up --install-glance"));
        } catch (IOException e) {
            throw IlctlException.stack("No PostgreSQL under /usr/lib/postgresql; run ilctl up --install-glance");
        }
    }

    private static long postmasterPid(Path data) {
        try {
            return Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).strip());
        } catch (IOException | RuntimeException e) {
            throw IlctlException.stack("PostgreSQL started but " + data.resolve("postmaster.pid") + " is unreadable: " + e.getMessage());
        }
    }

    private static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static List<String> concat(List<String> prefix, List<String> command) {
        return Stream.concat(prefix.stream(), command.stream()).toList();
    }

    private static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    private static void touch(Path file) {
        write(file, "");
    }

    /** Runs a setup command to completion; fails with its log tail. */
    private static void run(List<String> command, Map<String, String> env, Path log) {
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw IlctlException.stack(String.join(" ", command) + " did not finish within " + COMMAND_TIMEOUT.toMinutes() + " min; see " + log);
            }
            if (process.exitValue() != 0) {
                throw IlctlException.stack(String.join(" ", command) + " failed (exit " + process.exitValue() + "); last lines of "
                        + log + ":\n" + Logs.tail(log, 20));
            }
        } catch (IOException e) {
            throw IlctlException.stack("Cannot run " + String.join(" ", command) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw IlctlException.stack("Interrupted: " + String.join(" ", command));
        }
    }
}
