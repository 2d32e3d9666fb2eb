package io.imagelib.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The generated HAProxy file carries the settings the scenarios depend on (Glance's: deploy's GlanceConfigTest). */
class ConfigRenderingTest {

    @Test
    void haproxyHasBothCheckSettingsOverTheSameServers() {
        var hosts = List.of(new GlanceHosts.Host("glance-1", new TestNetwork.Host(1, "ilsys-h1", "r", "n", "10.203.0.11"), Path.of("/h1"), Path.of("/common.conf")),
                new GlanceHosts.Host("glance-2", new TestNetwork.Host(2, "ilsys-h2", "r", "n", "10.203.0.12"), Path.of("/h2"), Path.of("/common.conf")));

        String cfg = HaproxyBaseline.config(Map.of(HaproxyBaseline.Setting.USUAL, 10001, HaproxyBaseline.Setting.TUNED, 10002),
                hosts, Path.of("/x/admin.sock"));

        assertThat(cfg).contains("bind 127.0.0.1:10001", "bind 127.0.0.1:10002", "option httpchk GET /healthcheck",
                "server glance-2 10.203.0.12:9292 check inter 2s fall 3 rise 2",
                "server glance-2 10.203.0.12:9292 check inter 250ms fall 2 rise 2");
    }
}
