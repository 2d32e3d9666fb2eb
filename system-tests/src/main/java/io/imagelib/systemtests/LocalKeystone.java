package io.imagelib.systemtests;

import io.imagelib.deploy.local.HttpProbe;
import io.imagelib.deploy.local.KeystoneAdmin;
import io.imagelib.deploy.local.KeystoneServer;
import io.imagelib.deploy.local.LocalResources;
import io.imagelib.deploy.local.Shell;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A real Keystone (Debian packages) on 127.0.0.1, the stack's {@link KeystoneServer} on a free port, plus the admin calls a scenario needs: the glance/image service and its
 * endpoints, a service user for catalog-sync, and reading what the catalog says now. The real {@code openstack}
 * CLI runs against it with the admin's {@code OS_*} environment.
 *
 * <p>Its directory is kept between runs on purpose: db_sync, key setup and bootstrap cost 20-70 s on this machine;
 * a reused directory starts in a few seconds. Nothing of a previous run's catalog is trusted: {@link #catalogFor}
 * sets every endpoint this run needs.
 */
public final class LocalKeystone implements AutoCloseable {

    private static final Duration CLI_TIMEOUT = Duration.ofMinutes(3);
    /** The bootstrap admin's password of a new directory; a reused one keeps its own (its env says which). */
    private static final String ADMIN_PASSWORD = "admin-local-secret";

    /** The service user catalog-sync logs in as (project-scoped admin on project {@code service}). */
    public record ServiceUser(String name, String password, String project) {
    }

    private final KeystoneServer server;
    private final Map<String, String> cliEnv;
    private final URI url;
    private final KeystoneAdmin admin;
    // One request per catalog read: the single Keystone worker also serves catalog-sync while we watch.
    private volatile String imageServiceId;

    private LocalKeystone(KeystoneServer server, Map<String, String> cliEnv) {
        this.server = server;
        this.cliEnv = cliEnv;
        this.url = URI.create(cliEnv.get("OS_AUTH_URL").replaceFirst("/v3$", ""));
        this.admin = KeystoneAdmin.login(url, cliEnv.get("OS_USERNAME"), cliEnv.get("OS_PASSWORD"), cliEnv.get("OS_PROJECT_NAME"));
    }

    /**
     * Starts (first time: initialises) a Keystone in {@code dir} whose bootstrap region is {@code region}. A directory
     * initialised for another port keeps its port; if that port is taken by someone else, the directory is started over
     * on a free one.
     */
    public static LocalKeystone start(Path projectRoot, Path dir, String region) {
        KeystoneServer server = KeystoneServer.in(projectRoot, dir);
        long started = System.nanoTime();
        OptionalInt saved = server.savedPort();
        Shell.Result result = server.start(saved.orElseGet(LocalResources::freePort), ADMIN_PASSWORD, region);
        if (!result.ok() && saved.isPresent()) {
            GlanceHosts.report("keystone: reused %s did not start (%s); initialising it again", dir, result.output());
            LocalResources.deleteTree(dir);
            result = server.start(LocalResources.freePort(), ADMIN_PASSWORD, region);
        }
        result.orThrow();
        GlanceHosts.report("keystone: %s (script took %d ms)", result.output().replace('\n', ' '),
                (System.nanoTime() - started) / 1_000_000);
        return new LocalKeystone(server, server.adminEnvironment());
    }

    public URI url() {
        return url;
    }

    /** Starts the stopped or killed Keystone again from the same directory; returns how long until it answered. */
    public Duration restart() {
        long started = System.nanoTime();
        server.restart().orThrow();
        return Duration.ofNanos(System.nanoTime() - started);
    }

    /**
     * SIGKILL to Keystone's whole process group (uwsgi master, HTTP router, worker: the script starts it with setsid),
     * like a crashed host: a KILLed master alone would leave the worker and router holding the port.
     */
    public void kill() {
        Shell.run("kill", "-KILL", "--", "-" + server.pid());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (HttpProbe.get(url + "/v3").ok()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Keystone still answers 10 s after SIGKILL");
            }
            GlanceHosts.sleep(Duration.ofMillis(50));
        }
    }

    /**
     * Makes the catalog what a deployment has before our services take over: the glance/image service with, in
     * {@code region}, one admin endpoint at {@code adminUrl} and public/internal at {@code publicUrl} (created or
     * corrected, duplicates left from older runs removed), and a service user with the admin role on project
     * {@code service} for catalog-sync. Returns that user.
     */
    public ServiceUser catalogFor(String region, String adminUrl, String publicUrl) {
        imageServiceId = admin.imageService(region, publicUrl, adminUrl, true);
        // A fresh password each run: the user may exist from an earlier run whose password nobody kept.
        ServiceUser user = new ServiceUser("catalog-sync", "catalog-sync-" + Long.toHexString(System.nanoTime()), "service");
        admin.serviceUser(user.name(), user.password(), user.project(), true);
        return user;
    }

    /** The URLs of the image service's endpoints of one interface in the region, as Keystone answers right now. */
    public List<String> endpointUrls(String region, String iface) {
        if (imageServiceId == null) {
            throw new IllegalStateException("catalogFor(...) first: it registers the image service");
        }
        return admin.endpointUrls(imageServiceId, region, iface);
    }

    /** The region's admin URL as Keystone answers now, or empty while it does not answer (down, restarting). */
    public Optional<String> adminUrl(String region) {
        try {
            List<String> urls = endpointUrls(region, "admin");
            return urls.size() == 1 ? Optional.of(urls.getFirst()) : Optional.empty();
        } catch (RuntimeException unavailable) {
            return Optional.empty();
        }
    }

    /** Runs the real client ({@code openstack ...}) as the bootstrap admin; returns its output, throws unless it exits 0. */
    public String openstack(String... args) {
        List<String> command = new ArrayList<>(List.of("/usr/bin/openstack"));
        command.addAll(List.of(args));
        return Shell.exec(CLI_TIMEOUT, cliEnv, command.toArray(String[]::new)).orThrow().output();
    }

    /** Stops Keystone (TERM to the PID the script wrote); the directory stays for the next run. */
    @Override
    public void close() {
        server.stop();
    }
}
