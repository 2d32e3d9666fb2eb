package io.imagelib.ilctl.stack;

import io.imagelib.deploy.local.GlanceConfig;
import io.imagelib.deploy.local.KeystoneAdmin;
import io.imagelib.deploy.local.KeystoneServer;
import io.imagelib.deploy.local.StackProcess;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The stack's real Keystone (Debian packages), run by {@code deploy/keystone/keystone-local.sh} in DIR/keystone
 * (recipe and pitfalls: docs/keystone.md), and the catalog an OpenStack user expects from it: the glance/image
 * service with {@code public} and {@code internal} at the router and {@code admin} at the admin host (kept current by
 * catalog-sync), the service users of glance-api and catalog-sync, and DIR/openrc and DIR/clouds.yaml for the clients.
 */
final class Keystone {

    static final String NAME = "keystone";
    static final int DEFAULT_PORT = 5000;
    static final String ADMIN_USER = "admin";
    static final String ADMIN_PROJECT = "admin";
    static final String SERVICE_PROJECT = "service";
    static final String GLANCE_USER = "glance";
    static final String CATALOG_SYNC_USER = "catalog-sync";
    static final String CLOUD_NAME = "imagelib";
    private Keystone() {
    }

    static int port(StackConfig config) {
        return DEFAULT_PORT + config.portOffset();
    }

    static URI url(StackConfig config) {
        return KeystoneServer.url(port(config));
    }

    static String password(StackLayout layout, String user) {
        return StackSecret.readOrCreate(layout.keystoneDir().resolve(user + ".password"));
    }

    /** Starts Keystone unless it runs (the first start of an empty directory bootstraps it: 20-70 s here). */
    static void start(Project project, StackConfig config, StackLayout layout, PrintWriter out) {
        StackProcess process = layout.process(NAME);
        if (process.running().isPresent()) {
            out.printf("  %-22s %-40s already running (PID %d)%n", NAME, url(config), process.running().get().pid());
            return;
        }
        KeystoneServer server = KeystoneServer.in(project.root(), layout.keystoneDir());
        server.start(port(config), password(layout, ADMIN_USER), config.region()).orThrow();
        process.record(server.pid(), server.marker());
        out.printf("  %-22s %-40s started (PID %d), log %s%n", NAME, url(config), server.pid(), layout.keystoneDir().resolve("log"));
    }

    /**
     * The glance/image service with public and internal at {@code routerUrl} (reset on every up), admin at
     * {@code firstAdminUrl} only when there is none yet (after that catalog-sync owns it), and the service users.
     * Returns the image service's id.
     */
    static String catalog(StackConfig config, StackLayout layout, String routerUrl, String firstAdminUrl) {
        KeystoneAdmin admin = admin(config, layout);
        String serviceId = admin.imageService(config.region(), routerUrl, firstAdminUrl, false);
        // The stack keeps its passwords: a reset would only revoke the tokens the running hosts hold.
        admin.serviceUser(GLANCE_USER, password(layout, GLANCE_USER), SERVICE_PROJECT, false);
        admin.serviceUser(CATALOG_SYNC_USER, password(layout, CATALOG_SYNC_USER), SERVICE_PROJECT, false);
        return serviceId;
    }

    static KeystoneAdmin admin(StackConfig config, StackLayout layout) {
        return KeystoneAdmin.login(url(config), ADMIN_USER, password(layout, ADMIN_USER), ADMIN_PROJECT);
    }

    /** DIR/openrc ({@code source} it) and DIR/clouds.yaml (cloud {@value #CLOUD_NAME}), both as the bootstrap admin. */
    static void writeClientFiles(StackConfig config, StackLayout layout) {
        String authUrl = url(config) + "/v3";
        String password = password(layout, ADMIN_USER);
        writePrivate(layout.openrc(), String.join("\n",
                "# Written by ilctl up: the local stack's Keystone admin. Clients find Glance in its catalog: the",
                "# public image endpoint is image-router-service. Usage: source " + layout.openrc() + " && openstack image list",
                "unset OS_CLOUD OS_AUTH_TYPE OS_ENDPOINT OS_TOKEN OS_IMAGE_URL",
                "export OS_AUTH_URL=" + authUrl,
                "export OS_IDENTITY_API_VERSION=3",
                "export OS_USERNAME=" + ADMIN_USER,
                "export OS_PASSWORD=" + password,
                "export OS_PROJECT_NAME=" + ADMIN_PROJECT,
                "export OS_USER_DOMAIN_NAME=Default",
                "export OS_PROJECT_DOMAIN_NAME=Default",
                "export OS_REGION_NAME=" + config.region(),
                "export OS_INTERFACE=public",
                "export OS_IMAGE_API_VERSION=2",
                ""));
        writePrivate(layout.cloudsYaml(), String.join("\n",
                "# Written by ilctl up. Usage: OS_CLIENT_CONFIG_FILE=" + layout.cloudsYaml() + " openstack --os-cloud "
                        + CLOUD_NAME + " image list",
                "clouds:",
                "  " + CLOUD_NAME + ":",
                "    auth:",
                "      auth_url: " + authUrl,
                "      username: " + ADMIN_USER,
                "      password: " + password,
                "      project_name: " + ADMIN_PROJECT,
                "      user_domain_name: Default",
                "      project_domain_name: Default",
                "    region_name: " + config.region(),
                "    interface: public",
                "    identity_api_version: 3",
                "    image_api_version: 2",
                ""));
    }

    private static void writePrivate(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            if (!Files.exists(file)) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    /** How RealGlance's hosts validate every token: against this Keystone, as the glance service user. */
    static GlanceConfig.Authtoken authtoken(StackConfig config, StackLayout layout) {
        return new GlanceConfig.Authtoken(url(config), GLANCE_USER, password(layout, GLANCE_USER), SERVICE_PROJECT, config.region());
    }
}
