package io.imagelib.systemtests;

import java.nio.file.Path;

/** The Glance configuration files, as text (unit-tested; the pitfalls are in docs/system-tests.md). */
final class GlanceConfig {

    private GlanceConfig() {
    }

    /** Shared by every host: one database, one image directory, one staging directory. */
    static String common(String databaseUrl, Path dataDir, Path stagingDir, Path lockDir) {
        return """
                [DEFAULT]
                # No RabbitMQ: notifications go nowhere.
                transport_url = fake://
                # One process per host, so SIGKILL of the PID is a whole-host crash.
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
                # Keystone-less: the identity comes from X-Identity-Status / X-Roles / X-Project-Id headers.
                flavor = trusted
                """.formatted(stagingDir, databaseUrl, dataDir, lockDir);
    }

    /** Per host: where it listens and its own paste file (its own drain switch). */
    static String host(String bindAddress, int port, Path pasteFile) {
        return """
                [DEFAULT]
                bind_host = %s
                bind_port = %d

                [paste_deploy]
                config_file = %s
                """.formatted(bindAddress, port, pasteFile);
    }

    /** Debian's pipeline with the keystone authtoken filter left out and a drain switch per host. */
    static String paste(int port, Path disableFile) {
        return """
                [pipeline:glance-api-trusted]
                pipeline = cors healthcheck http_proxy_to_wsgi versionnegotiation osprofiler context rootapp

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
                """.formatted(port, disableFile);
    }
}
