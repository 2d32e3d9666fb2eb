package io.imagelib.ilctl.stack;

import io.imagelib.ilctl.IlctlException;
import io.imagelib.ilctl.output.HumanDuration;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Real Glance hosts: glance-api processes ({@code workers = 0}) that validate every token with keystonemiddleware
 * against the stack's {@link Keystone}, over one file store directory and one PostgreSQL database
 * ({@link GlanceDatabase}), each on its own port with its own healthcheck disable file. They run as the user running
 * ilctl. Recipe: docs/ilctl.md.
 */
public final class RealGlance implements GlanceLauncher {

    static final Path GLANCE_API = Path.of("/usr/bin/glance-api");
    private static final Path GLANCE_MANAGE = Path.of("/usr/bin/glance-manage");
    /** glance-api is Debian's script on the system python3, which needs the driver for a postgresql:// URL. */
    private static final Path PSYCOPG2 = Path.of("/usr/lib/python3/dist-packages/psycopg2");
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    /** Debian packages real hosts need that this machine lacks; empty when ilctl up can run real Glance. */
    public static List<String> missingPackages() {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(GLANCE_API) || !Files.isExecutable(GLANCE_MANAGE)) {
            missing.add("glance-api");
        }
        if (GlanceDatabase.binaries().isEmpty()) {
            missing.add("postgresql");
        }
        if (!Files.isDirectory(PSYCOPG2)) {
            missing.add("python3-psycopg2");
        }
        missing.addAll(Keystone.missingPackages());
        return missing;
    }

    /** The apt recipe of docs/glance-hosts.md (root, the Debian archive, ~1 min); nothing when all is there. */
    public static void install(StackLayout layout, PrintWriter out) {
        List<String> missing = missingPackages();
        if (missing.isEmpty()) {
            out.println("glance-api, postgresql, python3-psycopg2, keystone and the openstack and glance clients are installed");
            out.flush();
            return;
        }
        if (!runningAsRoot()) {
            throw IlctlException.stack("--install-glance runs apt-get, which needs root: run ./ilctl up --install-glance as root");
        }
        Path log = layout.logs().resolve("apt.log");
        out.println("==> Installing " + String.join(", ", missing) + " with apt-get (~1 min; log " + log + ")");
        out.flush();
        SetupCommand.run(List.of("bash", "-c", installScript()), Map.of(), log);
        List<String> stillMissing = missingPackages();
        if (!stillMissing.isEmpty()) {
            throw IlctlException.stack("apt-get finished but " + stillMissing + " still missing; see " + log);
        }
    }

    private static String installScript() {
        try (InputStream script = RealGlance.class.getResourceAsStream("install-glance.sh")) {
            if (script == null) {
                throw new IllegalStateException("install-glance.sh is missing from the ilctl jar");
            }
            return new String(script.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read install-glance.sh from the ilctl jar", e);
        }
    }

    static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    @Override
    public Optional<String> module() {
        return Optional.empty();
    }

    @Override
    public void start(StackConfig config, StackLayout layout, PrintWriter out) {
        SimulatedGlance.SharedStore.prepare(layout);
        boolean newDatabase = GlanceDatabase.start(config, layout, out);
        Path common = writeConfigs(config, layout);
        // db_sync is idempotent but costs 10 s on a busy machine: once per database.
        Path synced = layout.glanceDir().resolve("db-synced");
        if (newDatabase || !Files.isRegularFile(synced)) {
            long started = System.nanoTime();
            SetupCommand.run(List.of(GLANCE_MANAGE.toString(), "--config-file", common.toString(), "db_sync"), Map.of(),
                    layout.logs().resolve("glance-manage.log"));
            write(synced, "");
            out.printf("  %-22s %-40s schema created (glance-manage db_sync, %s)%n", GlanceDatabase.NAME,
                    "database " + GlanceDatabase.DATABASE, HumanDuration.of(Duration.ofNanos(System.nanoTime() - started)));
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

    private static Path writeConfigs(StackConfig config, StackLayout layout) {
        Path dir = layout.glanceDir();
        Path paste = dir.resolve("glance-api-paste.ini");
        Path common = dir.resolve("common.conf");
        Path staging = dir.resolve("staging");
        Path locks = dir.resolve("locks");
        try {
            Files.createDirectories(staging);
            Files.createDirectories(locks);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + staging + " and " + locks, e);
        }
        // One paste file for all hosts: the healthcheck filter picks the disable file by the port the request came in on.
        String disableFiles = config.glanceHosts().stream()
                .map(h -> h.port() + ":" + layout.disableFile(h.name()))
                .collect(Collectors.joining(","));
        write(paste, String.join("\n",
                "[pipeline:glance-api-keystone]",
                "# healthcheck and versionnegotiation (/versions) answer before authtoken: probes need no token.",
                "pipeline = cors healthcheck http_proxy_to_wsgi versionnegotiation osprofiler authtoken context rootapp",
                "",
                "[filter:authtoken]",
                "paste.filter_factory = keystonemiddleware.auth_token:filter_factory",
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
                "# No RabbitMQ: notifications go nowhere.",
                "transport_url = fake://",
                "# One process per host, so the PID ilctl records is the whole host.",
                "workers = 0",
                "bind_host = 127.0.0.1",
                "node_staging_uri = file://" + staging,
                "",
                "[database]",
                "connection = " + GlanceDatabase.connectionUrl(config),
                "",
                "[glance_store]",
                "stores = file,http",
                "default_store = file",
                "filesystem_store_datadir = " + layout.glanceData(),
                "",
                "[oslo_concurrency]",
                "lock_path = " + locks,
                "",
                "[paste_deploy]",
                "flavor = keystone",
                "config_file = " + paste,
                "",
                String.join("\n", Keystone.authtokenSection(config, layout)),
                ""));
        for (GlanceHost host : config.glanceHosts()) {
            write(dir.resolve(host.name() + ".conf"), "[DEFAULT]\nbind_port = " + host.port() + "\n");
        }
        return common;
    }

    private static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }
}
