package io.imagelib.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The generated Glance and HAProxy files carry the settings the scenarios depend on. */
class ConfigRenderingTest {

    @Test
    void glanceHostsShareOneStoreAndDatabaseAndRunOneProcessEach() {
        String common = GlanceConfig.common("postgresql://postgres@10.203.0.1:5999/glance", Path.of("/d/images"),
                Path.of("/d/staging"), Path.of("/d/locks"));

        assertThat(common).contains("workers = 0", "transport_url = fake://", "flavor = trusted",
                "filesystem_store_datadir = /d/images", "node_staging_uri = file:///d/staging",
                "connection = postgresql://postgres@10.203.0.1:5999/glance");
    }

    @Test
    void thePastePipelineHasNoKeystoneAndAPerHostDrainSwitch() {
        String paste = GlanceConfig.paste(9292, Path.of("/h1/disable"));

        assertThat(paste).contains("[pipeline:glance-api-trusted]",
                "pipeline = cors healthcheck http_proxy_to_wsgi versionnegotiation osprofiler context rootapp",
                "backends = disable_by_files_ports", "disable_by_file_paths = 9292:/h1/disable");
        assertThat(paste).doesNotContain("authtoken");
    }

    @Test
    void haproxyHasBothCheckSettingsOverTheSameServers() {
        var hosts = List.of(new GlanceHosts.Host("glance-1", new TestNetwork.Host(1, "ilsys-h1", "r", "n", "10.203.0.11"), Path.of("/h1")),
                new GlanceHosts.Host("glance-2", new TestNetwork.Host(2, "ilsys-h2", "r", "n", "10.203.0.12"), Path.of("/h2")));

        String cfg = HaproxyBaseline.config(Map.of(HaproxyBaseline.Setting.USUAL, 10001, HaproxyBaseline.Setting.TUNED, 10002),
                hosts, Path.of("/x/admin.sock"));

        assertThat(cfg).contains("bind 127.0.0.1:10001", "bind 127.0.0.1:10002", "option httpchk GET /healthcheck",
                "server glance-2 10.203.0.12:9292 check inter 2s fall 3 rise 2",
                "server glance-2 10.203.0.12:9292 check inter 250ms fall 2 rise 2");
    }
}
