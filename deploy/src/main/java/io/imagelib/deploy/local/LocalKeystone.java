package io.imagelib.deploy.local;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A local stack's Keystone, the one set-up of {@code ilctl up} and the system tests: the {@link KeystoneServer} of a
 * directory, its bootstrap admin ({@link KeystoneAdmin}), and the catalog an OpenStack user expects of the stack: the
 * glance/image service with {@code public} and {@code internal} at the router and {@code admin} at the admin host
 * (kept current by catalog-sync), and the service users of glance-api and catalog-sync (recipe: docs/keystone.md).
 *
 * <p>Every password lives in the directory (the admin's in the script's local.env, a service user's in
 * {@code <user>.password}, mode 600), so a directory started again keeps its users and their tokens.
 */
public final class LocalKeystone implements AutoCloseable {

    public static final String SERVICE_PROJECT = "service";
    public static final String GLANCE_USER = "glance";
    public static final String CATALOG_SYNC_USER = "catalog-sync";
    private static final Duration CLI_TIMEOUT = Duration.ofMinutes(3);

    private final KeystoneServer server;
    private final Map<String, String> adminEnvironment;
    private final URI url;
    private KeystoneAdmin admin;
    // One request per catalog read: the single Keystone worker also serves catalog-sync while tests watch it.
    private volatile String imageServiceId;

    private LocalKeystone(KeystoneServer server, Map<String, String> adminEnvironment) {
        this.server = server;
        this.adminEnvironment = adminEnvironment;
        this.url = URI.create(adminEnvironment.get("OS_AUTH_URL").replaceFirst("/v3$", ""));
    }

    /**
     * Starts it unless it runs. An empty directory is bootstrapped on {@code port} for {@code region} with a random
     * admin password (20-70 s here); one bootstrapped before keeps its port, password and region and starts in seconds.
     */
    public static LocalKeystone start(KeystoneServer server, int port, String region) {
        server.start(port, StackSecret.random(), region).orThrow();
        return of(server);
    }

    /** The Keystone of a bootstrapped directory (running or not: nothing is asked of it until a call needs it). */
    public static LocalKeystone of(KeystoneServer server) {
        return new LocalKeystone(server, server.adminEnvironment());
    }

    public URI url() {
        return url;
    }

    public KeystoneServer server() {
        return server;
    }

    /** The bootstrap admin's OS_* variables (project scope), as the openstack CLI and an openrc want them. */
    public Map<String, String> adminEnvironment() {
        return adminEnvironment;
    }

    /** The bootstrap admin's client, logged in on first use. */
    public synchronized KeystoneAdmin admin() {
        if (admin == null) {
            admin = KeystoneAdmin.login(url, adminEnvironment.get("OS_USERNAME"), adminEnvironment.get("OS_PASSWORD"),
                    adminEnvironment.get("OS_PROJECT_NAME"));
        }
        return admin;
    }

    /**
     * The catalog of the stack in {@code region}: the glance/image service with public and internal at
     * {@code routerUrl} (created or corrected, duplicates left from older runs removed), admin at {@code adminUrl} when
     * there is none yet or {@code resetAdmin} (after the first start catalog-sync owns it), and the service users of
     * glance-api and catalog-sync.
     */
    public void catalog(String region, String routerUrl, String adminUrl, boolean resetAdmin) {
        imageServiceId = admin().imageService(region, routerUrl, adminUrl, resetAdmin);
        Stream.of(GLANCE_USER, CATALOG_SYNC_USER).forEach(this::serviceUser);
    }

    /**
     * A user with the admin role on project {@value #SERVICE_PROJECT}. Its password is the one kept in the directory,
     * set in Keystone only when the file is new: a new password would revoke the tokens running hosts hold.
     */
    private void serviceUser(String name) {
        boolean newPassword = !Files.isRegularFile(passwordFile(name));
        admin().serviceUser(name, password(name), SERVICE_PROJECT, newPassword);
    }

    private String password(String user) {
        return StackSecret.readOrCreate(passwordFile(user));
    }

    private Path passwordFile(String user) {
        return server.dir().resolve(user + ".password");
    }

    /** How glance-api validates every token (keystonemiddleware): against this Keystone, as the glance service user. */
    public GlanceConfig.Authtoken glanceAuthtoken() {
        return new GlanceConfig.Authtoken(url, GLANCE_USER, password(GLANCE_USER), SERVICE_PROJECT, adminEnvironment.get("OS_REGION_NAME"));
    }

    /** catalog-sync's login as its service user: the variables its application.yml documents. */
    public Map<String, String> catalogSyncLogin() {
        return Map.of("IMAGELIB_CATALOGSYNC_KEYSTONEURL", url.toString(),
                "KEYSTONE_USERNAME", CATALOG_SYNC_USER,
                "KEYSTONE_PASSWORD", password(CATALOG_SYNC_USER),
                "KEYSTONE_PROJECT", SERVICE_PROJECT);
    }

    /** The URLs of the image service's endpoints of one interface in the region, as Keystone answers right now. */
    public List<String> endpointUrls(String region, String iface) {
        if (imageServiceId == null) {
            imageServiceId = admin().service("image", "glance");
        }
        return admin().endpointUrls(imageServiceId, region, iface);
    }

    /** The region's one admin URL as Keystone answers now, or empty while it does not answer (down, restarting). */
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
        return Shell.exec(CLI_TIMEOUT, adminEnvironment, Stream.concat(Stream.of("/usr/bin/openstack"), Stream.of(args))
                .toArray(String[]::new)).orThrow().output();
    }

    /** Stops Keystone (TERM to the PID the script wrote); the directory stays for the next start. */
    @Override
    public void close() {
        server.stop();
    }
}
