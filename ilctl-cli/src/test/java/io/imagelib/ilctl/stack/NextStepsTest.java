package io.imagelib.ilctl.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class NextStepsTest {

    private static final Path OPENRC = Path.of("/repo/.imagelib/openrc");
    private static final Path CLOUDS = Path.of("/repo/.imagelib/clouds.yaml");

    @Test
    void realGlanceSendsTheUserThroughOpenrcAndKeystonesCatalog() {
        String text = String.join("\n", NextSteps.lines(new StackConfig(0, 3, "RegionOne", StackConfig.GlanceMode.real), OPENRC, CLOUDS, ""));

        assertThat(text).contains("image-router-service at http://127.0.0.1:9292", "source /repo/.imagelib/openrc",
                "openstack image create --disk-format raw --container-format bare --file FILE NAME", "glance image-list",
                "openstack endpoint list --service glance --interface admin",
                "OS_CLIENT_CONFIG_FILE=/repo/.imagelib/clouds.yaml openstack --os-cloud imagelib image list",
                "API Endpoints page (live admin, failovers): http://127.0.0.1:8091/", "./ilctl status ",
                "./ilctl endpoint list --service glance ", "./ilctl events tail host-health ",
                "restarts a stopped or killed host").doesNotContain("--os-auth-type none", "--endpoint-url", "--bootstrap");
    }

    @Test
    void simulatedGlanceNamesTheRouterDirectlyWithoutKeystone() {
        String text = String.join("\n", NextSteps.lines(new StackConfig(0, 3, "RegionOne", StackConfig.GlanceMode.simulated), OPENRC, CLOUDS, ""));

        assertThat(text).contains("openstack --os-auth-type none --os-endpoint http://127.0.0.1:9292 image list",
                "glance --os-image-url http://127.0.0.1:9292 --os-image-api-version 2 --os-auth-token local image-list")
                .doesNotContain("openrc", "clouds.yaml");
    }

    @Test
    void anotherDirectoryAndPortOffsetAreSpelledOutInEveryIlctlCommand() {
        List<String> lines = NextSteps.lines(new StackConfig(1000, 3, "RegionOne", StackConfig.GlanceMode.simulated), OPENRC, CLOUDS,
                " --dir /tmp/il2");

        assertThat(String.join("\n", lines)).contains("--os-endpoint http://127.0.0.1:10292", "http://127.0.0.1:9091/",
                "./ilctl status --dir /tmp/il2", "--endpoint-url http://127.0.0.1:9091",
                "--bootstrap 127.0.0.1:10092 --registry http://127.0.0.1:9081/apis/ccompat/v7", "./ilctl down --dir /tmp/il2");
    }

    @Test
    void twoReplicasListEveryRouterForClientsThatTakeAListAndSayWhereSingleUrlClientsGo() {
        String text = String.join("\n", NextSteps.lines(new StackConfig(0, 3, "RegionOne", StackConfig.GlanceMode.real, 2), OPENRC, CLOUDS, ""));

        assertThat(text).contains("image-router-service at http://127.0.0.1:9292:",
                "2 routers: http://127.0.0.1:9292,http://127.0.0.1:9392",
                "nova.conf [glance] api_servers = http://127.0.0.1:9292,http://127.0.0.1:9392",
                "single-URL clients and Keystone's catalog use router 1 here; in production a keepalived VIP");
    }

    @Test
    void oneReplicaPrintsNoRouterList() {
        String text = String.join("\n", NextSteps.lines(new StackConfig(0, 3, "RegionOne", StackConfig.GlanceMode.simulated, 1), OPENRC, CLOUDS, ""));

        assertThat(text).doesNotContain("routers:", "api_servers", "9392");
    }
}
