package io.imagelib.ilctl.stack;

import io.imagelib.deploy.local.ServiceModule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code up} tells a newcomer to do next: where OpenStack clients connect (the router, through Keystone's catalog
 * with real Glance, directly without Keystone when simulated), the API Endpoints page and the first ilctl commands.
 * Each client command is one that works in the mode the stack runs (LocalStackIT and OpenstackClientsIT run them).
 */
public final class NextSteps {

    private NextSteps() {
    }

    /** @param dirOption {@code ""} for the default state directory, else {@code " --dir DIR"} */
    public static List<String> lines(StackConfig config, Path openrc, Path cloudsYaml, String dirOption) {
        String router = config.serviceUrl(ServiceModule.ROUTER);
        // Without an offset the ilctl defaults are this stack's addresses; with one, the commands must name them.
        String endpointOption = config.portOffset() == 0 ? "" : " --endpoint-url " + config.serviceUrl(ServiceModule.ENDPOINT);
        String kafkaOption = config.portOffset() == 0 ? "" : " --bootstrap " + config.bootstrapServers()
                + " --registry " + config.registryUrl();
        List<String> lines = new ArrayList<>();
        lines.add("Next steps");
        lines.add("  OpenStack clients reach Glance through image-router-service at " + router + ":");
        if (config.replicas() > 1) {
            lines.addAll(routerList(config));
        }
        if (config.glance() == StackConfig.GlanceMode.real) {
            lines.addAll(List.of(
                    "    source " + openrc + "        # Keystone admin; the catalog's public image endpoint is the router",
                    "    openstack image create --disk-format raw --container-format bare --file FILE NAME",
                    "    openstack image list",
                    "    glance image-list",
                    "    openstack endpoint list --service glance --interface admin   # the admin host, kept current by catalog-sync",
                    "    (or clouds.yaml: OS_CLIENT_CONFIG_FILE=" + cloudsYaml + " openstack --os-cloud " + Keystone.CLOUD_NAME
                            + " image list)"));
        } else {
            lines.addAll(List.of(
                    "    openstack --os-auth-type none --os-endpoint " + router + " image list",
                    // Version 2 named: otherwise glanceclient 4.1 caches the image schema, whose "stores" then clashes with
                    // its own --stores option in every later command (docs/ilctl.md).
                    "    glance --os-image-url " + router + " --os-image-api-version 2 --os-auth-token local image-list",
                    "    (simulated hosts take no Keystone token; ./ilctl up --install-glance, as root, for the real slice)"));
        }
        lines.add("  API Endpoints page (live admin, failovers): " + config.serviceUrl(ServiceModule.ENDPOINT) + "/");
        lines.add("  ./ilctl status" + dirOption + "            # every process, its PID and health");
        lines.add("  ./ilctl endpoint list --service glance" + endpointOption + "   # the region's endpoints as endpoint-service elects them");
        lines.add("  ./ilctl events tail host-health" + kafkaOption + "   # transitions (host DOWN, new admin) as they happen");
        lines.add("  Re-running ./ilctl up" + dirOption + " keeps what runs and restarts a stopped or killed host;"
                + " ./ilctl down" + dirOption + " stops everything.");
        return lines;
    }

    /**
     * Every router, and how clients use them: a list where the client takes one (Nova, Cinder); one URL, router 1,
     * in Keystone's catalog and the commands below, where production puts a VIP (docs/operations.md).
     */
    private static List<String> routerList(StackConfig config) {
        String routers = config.serviceUrls(ServiceModule.ROUTER);
        return List.of(
                "    " + config.replicas() + " routers: " + routers,
                "    nova.conf [glance] api_servers = " + routers + "   (cinder.conf [DEFAULT] glance_api_servers)",
                "    single-URL clients" + (config.glance() == StackConfig.GlanceMode.real ? " and Keystone's catalog" : "")
                        + " use router 1 here; in production a keepalived VIP in front of all routers (docs/operations.md)");
    }
}
