package io.imagelib.ilctl.stack;

import io.imagelib.deploy.local.GlanceApiHost;
import io.imagelib.deploy.local.GlanceConfig;
import io.imagelib.deploy.local.KeystoneServer;
import io.imagelib.deploy.local.Lifetime;
import io.imagelib.deploy.local.PostgresCluster;
import io.imagelib.deploy.local.Shell;
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
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Real Glance hosts: glance-api processes ({@code workers = 0}) that validate every token with keystonemiddleware
 * against the stack's {@link Keystone}, over one file store directory and one PostgreSQL database
 * ({@link GlanceDatabase}), each on its own port with its own healthcheck disable file. They run as the user running
 * ilctl. Recipe: docs/ilctl.md.
 */
public final class RealGlance implements GlanceLauncher {

    /** glance-api is Debian's script on the system python3, which needs the driver for a postgresql:// URL. */
    private static final Path PSYCOPG2 = Path.of("/usr/lib/python3/dist-packages/psycopg2");
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration SETUP_TIMEOUT = Duration.ofMinutes(15);

    private final Project project;

    public RealGlance(Project project) {
        this.project = project;
    }

    /** Debian packages real hosts need that this machine lacks; empty when ilctl up can run real Glance. */
    public static List<String> missingPackages() {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(GlanceConfig.GLANCE_API) || !Files.isExecutable(GlanceConfig.GLANCE_MANAGE)) {
            missing.add("glance-api");
        }
        if (PostgresCluster.binaries().isEmpty()) {
            missing.add("postgresql");
        }
        if (!Files.isDirectory(PSYCOPG2)) {
            missing.add("python3-psycopg2");
        }
        missing.addAll(KeystoneServer.missingPackages());
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
        if (!PostgresCluster.runningAsRoot()) {
            throw IlctlException.stack("--install-glance runs apt-get, which needs root: run ./ilctl up --install-glance as root");
        }
        Path log = layout.logs().resolve("apt.log");
        out.println("==> Installing " + String.join(", ", missing) + " with apt-get (~1 min; log " + log + ")");
        out.flush();
        try {
            Shell.runLogged("apt-get", List.of("bash", "-c", installScript()), layout.dir(), log, SETUP_TIMEOUT);
        } catch (IllegalStateException e) {
            throw IlctlException.stack(e.getMessage());
        }
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

    @Override
    public Optional<String> module() {
        return Optional.empty();
    }

    @Override
    public void start(StackConfig config, StackLayout layout, PrintWriter out) {
        SimulatedGlance.SharedStore.prepare(layout);
        boolean newDatabase = GlanceDatabase.start(config, layout, out);
        Path common = GlanceApiHost.writeCommon(layout.glanceDir(), GlanceDatabase.connectionUrl(config), layout.glanceData(),
                Optional.of(Keystone.of(project, layout).glanceAuthtoken()));
        // db_sync is idempotent but costs 10 s on a busy machine: once per database.
        Path synced = layout.glanceDir().resolve("db-synced");
        if (newDatabase || !Files.isRegularFile(synced)) {
            long started = System.nanoTime();
            GlanceApiHost.dbSync(common, layout.glanceDir(), layout.logs().resolve("glance-manage.log"), SETUP_TIMEOUT);
            try {
                Files.writeString(synced, "");
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot write " + synced, e);
            }
            out.printf("  %-22s %-40s schema created (glance-manage db_sync, %s)%n", GlanceDatabase.NAME,
                    "database " + PostgresCluster.DATABASE, HumanDuration.of(Duration.ofNanos(System.nanoTime() - started)));
        }
        GlanceHosts.startEach(config, layout, out, (host, process) -> new GlanceApiHost(process, host.url(), common,
                layout.glanceDir().resolve(host.name() + ".conf"), UnaryOperator.identity())
                .writeConfig("127.0.0.1", host.port(), true, layout.disableFile(host.name()))
                .start(layout.glanceDir(), Lifetime.DETACHED), READY_TIMEOUT);
    }
}
