package io.imagelib.deploy.local;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The configuration files of real glance-api hosts, as text: the one writer for {@code ilctl up} and the system tests
 * (the pitfalls are in docs/system-tests.md and docs/ilctl.md). Every host shares {@link #common} (one database, one
 * image directory, one staging directory) and has its own {@link #host} file naming its address and paste file.
 */
public final class GlanceConfig {

    public static final Path GLANCE_API = Path.of("/usr/bin/glance-api");
    public static final Path GLANCE_MANAGE = Path.of("/usr/bin/glance-manage");

    /**
     * How glance-api validates tokens: keystonemiddleware, logged in to {@code keystone} as a service user. Without
     * one, hosts use the keystone-less {@code trusted} flavor, which takes the identity from X-Identity-* headers.
     */
    public record Authtoken(URI keystone, String user, String password, String project, String region) {
    }

    private GlanceConfig() {
    }

    /** Shared by every host: one database, one image directory, one staging directory. */
    public static String common(String databaseUrl, Path dataDir, Path stagingDir, Path lockDir, Optional<Authtoken> authtoken) {
        return """
                [DEFAULT]
                # No RabbitMQ: notifications go nowhere.
                transport_url = fake://
                # One process per host, so the PID is the whole host (SIGKILL of it is a whole-host crash).
                workers = 0
                node_staging_uri = file://%s
                debug = false

                [database]
                connection = %s

                [glance_store]
                stores = file,http
                default_store = file
                filesystem_store_datadir = %s

                [oslo_concurrency]
                lock_path = %s

                [paste_deploy]
                flavor = %s
                """.formatted(stagingDir, databaseUrl, dataDir, lockDir, flavor(authtoken.isPresent()))
                + authtoken.map(GlanceConfig::authtokenSection).orElse("");
    }

    /** Per host: where it listens and its paste file (which holds its drain switch). */
    public static String host(String bindAddress, int port, Path pasteFile) {
        return """
                [DEFAULT]
                bind_host = %s
                bind_port = %d

                [paste_deploy]
                config_file = %s
                """.formatted(bindAddress, port, pasteFile);
    }

    /**
     * Debian's pipeline with the host's drain switch: {@code /healthcheck} answers 503 "DISABLED BY FILE" while
     * {@code disableFile} exists. healthcheck and versionnegotiation answer before authtoken, so probes need no token.
     */
    public static String paste(boolean keystone, int port, Path disableFile) {
        return """
                [pipeline:glance-api-%s]
                pipeline = cors healthcheck http_proxy_to_wsgi versionnegotiation osprofiler %scontext rootapp
                %s
                [composite:rootapp]
                paste.composite_factory = glance.api:root_app_factory
                /: apiversions
                /v2: apiv2app

                [app:apiversions]
                paste.app_factory = glance.api.versions:create_resource

                [app:apiv2app]
                paste.app_factory = glance.api.v2.router:API.factory

                [filter:healthcheck]
                paste.filter_factory = oslo_middleware:Healthcheck.factory
                backends = disable_by_files_ports
                disable_by_file_paths = %d:%s

                [filter:versionnegotiation]
                paste.filter_factory = glance.api.middleware.version_negotiation:VersionNegotiationFilter.factory

                [filter:context]
                paste.filter_factory = glance.api.middleware.context:ContextMiddleware.factory

                [filter:osprofiler]
                paste.filter_factory = osprofiler.web:WsgiMiddleware.factory

                [filter:cors]
                paste.filter_factory = oslo_middleware.cors:filter_factory
                oslo_config_project = glance
                oslo_config_program = glance-api

                [filter:http_proxy_to_wsgi]
                paste.filter_factory = oslo_middleware:HTTPProxyToWSGI.factory
                """.formatted(flavor(keystone), keystone ? "authtoken " : "",
                keystone ? "\n[filter:authtoken]\npaste.filter_factory = keystonemiddleware.auth_token:filter_factory\n" : "",
                port, disableFile);
    }

    /** The paste pipeline glance-api.conf names and paste.ini defines: one rule for both files. */
    private static String flavor(boolean keystone) {
        // trusted: keystone-less, the identity comes from X-Identity-Status / X-Roles / X-Project-Id headers.
        return keystone ? "keystone" : "trusted";
    }

    private static String authtokenSection(Authtoken auth) {
        return """

                [keystone_authtoken]
                www_authenticate_uri = %1$s/v3
                auth_url = %1$s/v3
                auth_type = password
                username = %2$s
                password = %3$s
                project_name = %4$s
                user_domain_name = Default
                project_domain_name = Default
                region_name = %5$s
                # No memcached: each host caches validated tokens in its own process.
                """.formatted(auth.keystone(), auth.user(), auth.password(), auth.project(), auth.region());
    }
}
