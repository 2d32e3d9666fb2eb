package io.imagelib.ilctl.stack;

import io.imagelib.deploy.local.KeystoneServer;
import io.imagelib.deploy.local.LocalKeystone;
import io.imagelib.deploy.local.StackProcess;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * The stack's real Keystone ({@link LocalKeystone}) in DIR/keystone on port 5000 + offset, its PID recorded with the
 * stack's others, and DIR/openrc and DIR/clouds.yaml for the clients.
 */
final class Keystone {

    static final String NAME = "keystone";
    static final int DEFAULT_PORT = 5000;
    static final String CLOUD_NAME = "imagelib";
    private Keystone() {
    }

    static int port(StackConfig config) {
        return DEFAULT_PORT + config.portOffset();
    }

    static URI url(StackConfig config) {
        return KeystoneServer.url(port(config));
    }

    /** The stack's Keystone, started or not. */
    static LocalKeystone of(Project project, StackLayout layout) {
        return LocalKeystone.of(KeystoneServer.in(project.root(), layout.keystoneDir()));
    }

    /** Starts Keystone unless it runs (the first start of an empty directory bootstraps it: 20-70 s here). */
    static LocalKeystone start(Project project, StackConfig config, StackLayout layout, PrintWriter out) {
        StackProcess process = layout.process(NAME);
        if (process.running().isPresent()) {
            out.printf("  %-22s %-40s already running (PID %d)%n", NAME, url(config), process.running().get().pid());
            return of(project, layout);
        }
        LocalKeystone keystone = LocalKeystone.start(KeystoneServer.in(project.root(), layout.keystoneDir()), port(config), config.region());
        process.record(keystone.server().pid(), keystone.server().marker());
        out.printf("  %-22s %-40s started (PID %d), log %s%n", NAME, url(config), keystone.server().pid(), layout.keystoneDir().resolve("log"));
        return keystone;
    }

    /** DIR/openrc ({@code source} it) and DIR/clouds.yaml (cloud {@value #CLOUD_NAME}), both as the bootstrap admin. */
    static void writeClientFiles(LocalKeystone keystone, StackLayout layout) {
        Map<String, String> admin = keystone.adminEnvironment();
        String authUrl = admin.get("OS_AUTH_URL");
        String password = admin.get("OS_PASSWORD");
        writePrivate(layout.openrc(), String.join("\n",
                "# Written by ilctl up: the local stack's Keystone admin. Clients find Glance in its catalog: the",
                "# public image endpoint is image-router-service. Usage: source " + layout.openrc() + " && openstack image list",
                "unset OS_CLOUD OS_AUTH_TYPE OS_ENDPOINT OS_TOKEN OS_IMAGE_URL",
                "export OS_AUTH_URL=" + authUrl,
                "export OS_IDENTITY_API_VERSION=3",
                "export OS_USERNAME=" + admin.get("OS_USERNAME"),
                "export OS_PASSWORD=" + password,
                "export OS_PROJECT_NAME=" + admin.get("OS_PROJECT_NAME"),
                "export OS_USER_DOMAIN_NAME=Default",
                "export OS_PROJECT_DOMAIN_NAME=Default",
                "export OS_REGION_NAME=" + admin.get("OS_REGION_NAME"),
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
                "      username: " + admin.get("OS_USERNAME"),
                "      password: " + password,
                "      project_name: " + admin.get("OS_PROJECT_NAME"),
                "      user_domain_name: Default",
                "      project_domain_name: Default",
                "    region_name: " + admin.get("OS_REGION_NAME"),
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
}
