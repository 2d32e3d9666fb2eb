package io.imagelib.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The generated Glance files carry the settings the local stack and the system tests depend on. */
class GlanceConfigTest {

    private static final GlanceConfig.Authtoken AUTH = new GlanceConfig.Authtoken(URI.create("http://127.0.0.1:5000"), "glance",
            "secret", "service", "RegionOne");

    @Test
    void hostsShareOneStoreAndDatabaseAndRunOneProcessEach() {
        String common = GlanceConfig.common("postgresql://postgres@10.203.0.1:5999/glance", Path.of("/d/images"),
                Path.of("/d/staging"), Path.of("/d/locks"), Optional.empty());

        assertThat(common).contains("workers = 0", "transport_url = fake://", "flavor = trusted",
                "filesystem_store_datadir = /d/images", "node_staging_uri = file:///d/staging",
                "connection = postgresql://postgres@10.203.0.1:5999/glance").doesNotContain("keystone_authtoken");
    }

    @Test
    void withKeystoneEveryHostValidatesTokensAsTheGlanceServiceUser() {
        String common = GlanceConfig.common("postgresql://postgres@127.0.0.1:5433/glance", Path.of("/d/images"),
                Path.of("/d/staging"), Path.of("/d/locks"), Optional.of(AUTH));

        assertThat(common).contains("flavor = keystone", "[keystone_authtoken]", "auth_url = http://127.0.0.1:5000/v3",
                "username = glance", "password = secret", "project_name = service", "region_name = RegionOne");
    }

    @Test
    void theTrustedPipelineHasNoKeystoneAndAPerHostDrainSwitch() {
        String paste = GlanceConfig.paste(false, 9292, Path.of("/h1/disable"));

        assertThat(paste).contains("[pipeline:glance-api-trusted]",
                "pipeline = cors healthcheck http_proxy_to_wsgi versionnegotiation osprofiler context rootapp",
                "backends = disable_by_files_ports", "disable_by_file_paths = 9292:/h1/disable");
        assertThat(paste).doesNotContain("authtoken");
    }

    @Test
    void theKeystonePipelineChecksTokensAfterTheProbes() {
        String paste = GlanceConfig.paste(true, 9301, Path.of("/g/hc-disable-host-1"));

        assertThat(paste).contains("[pipeline:glance-api-keystone]",
                "pipeline = cors healthcheck http_proxy_to_wsgi versionnegotiation osprofiler authtoken context rootapp",
                "paste.filter_factory = keystonemiddleware.auth_token:filter_factory",
                "disable_by_file_paths = 9301:/g/hc-disable-host-1");
    }

    @Test
    void eachHostNamesItsAddressAndItsPasteFile() {
        assertThat(GlanceConfig.host("10.203.0.11", 9292, Path.of("/h1/paste.ini")))
                .contains("bind_host = 10.203.0.11", "bind_port = 9292", "config_file = /h1/paste.ini");
    }
}
