package io.imagelib.ilctl.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.imagelib.ilctl.http.RoleRequest;
import io.imagelib.ilctl.output.JsonRows;
import io.imagelib.ilctl.output.Table;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The image-library role of hosts, against role-service (the seed's "Edit Roles" in the UI). */
@Command(name = "role", description = "Assign, remove and list the image-library role of hosts (role-service).",
        subcommands = {RoleCommand.Assign.class, RoleCommand.Remove.class, RoleCommand.ListRoles.class},
        footerHeading = "%nExamples (the hosts of ./ilctl up; for another stack add its --role-url and --dir):%n",
        footer = {
                "  ilctl role list --region RegionOne                 # who holds the role, with storage and URLs",
                "  ilctl role remove host-3 --region RegionOne        # host-3 leaves; if it was admin, another host takes over",
                "  ilctl role assign host-3 --region RegionOne --public-url http://127.0.0.1:9303 \\",
                "      --storage-type NFS --mount-path $PWD/.imagelib/glance/data --storage-id imagelib-local-share",
                "  ilctl role assign --help                           # NFS and block-storage examples"})
public final class RoleCommand {

    /** The seed's NFS mount point. */
    static final String SEED_MOUNT_PATH = "/var/opt/imagelibrary/data";

    /** The role-service's answer for one host, as Field/Value rows (the OpenStack CLI's "show" layout). */
    static Table show(JsonNode answer) {
        List<List<Object>> rows = new ArrayList<>();
        JsonRows.flatten(answer).forEach((key, value) -> rows.add(Arrays.asList(key, JsonRows.cell(value))));
        return new Table(List.of("Field", "Value"), rows);
    }

    @Command(name = "assign", description = {"Give HOST the image-library role (PUT .../roles/image-library).",
            "role-service probes the host's /healthcheck first unless --no-probe, and refuses what the seed forbids "
                    + "(local storage next to other hosts, different shares, other regions) with a problem detail."},
            footerHeading = "%nExamples:%n",
            footer = {
                    "  # A host on the shared NFS mount (the seed's /var/opt/imagelibrary/data):",
                    "  ilctl role assign host-1 --region RegionOne --public-url http://127.0.0.1:9301 \\",
                    "      --storage-type NFS --storage-id nfs-sjc-01   # cat /var/opt/imagelibrary/data/.imagelib-storage-id",
                    "  # A host backed by a block-storage volume type, assigned before it is reachable:",
                    "  ilctl role assign host-2 --public-url http://10.0.0.12:9292 --admin-url https://10.0.0.12:9494 \\",
                    "      --storage-type BLOCK --volume-type ceph-ssd --no-probe"})
    static final class Assign implements Callable<Integer> {

        @Mixin
        ServiceOptions services;

        @Mixin
        FormatOptions output;

        @Parameters(paramLabel = "HOST", description = "Host id ([A-Za-z0-9._-]{1,64}).")
        String hostId;

        @Mixin
        RegionOption region;

        @Option(names = "--public-url", paramLabel = "URL", required = true,
                description = "Glance API URL of the host that compute and block storage fetch images from.")
        String publicUrl;

        @Option(names = "--admin-url", paramLabel = "URL",
                description = "Admin URL used when this host is the admin endpoint (default: role-service derives it).")
        String adminUrl;

        @Option(names = "--storage-type", paramLabel = "TYPE", defaultValue = "NFS",
                description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
        StorageType storageType;

        @Option(names = "--mount-path", paramLabel = "PATH",
                description = "NFS: where the share is mounted, the same on every host (default: " + SEED_MOUNT_PATH + ").")
        String mountPath;

        @Option(names = "--storage-id", paramLabel = "ID",
                description = "NFS: the share's identity, the content of <mount-path>/.imagelib-storage-id; hosts of a region must agree.")
        String storageId;

        @Option(names = "--volume-type", paramLabel = "TYPE", description = "Block-storage volume type (BLOCK only).")
        String volumeType;

        @Option(names = "--no-probe", negatable = false, description = "Assign without checking that the host answers /healthcheck.")
        boolean noProbe;

        @Override
        public Integer call() {
            String mount = mountPath == null && storageType == StorageType.NFS ? SEED_MOUNT_PATH : mountPath;
            RoleRequest body = new RoleRequest(publicUrl, adminUrl, new RoleRequest.Storage(storageType.name(), mount, storageId, volumeType));
            String path = RoleRequest.path(region.region, hostId) + (noProbe ? "?probe=false" : "");
            output.print(show(services.roleService().put(path, body)));
            return 0;
        }
    }

    /** Storage backends of the seed: file-based (NFS), block-storage volume, or local disk (single host only). */
    enum StorageType { NFS, BLOCK, LOCAL }

    @Command(name = "remove", description = "Take the image-library role from HOST (DELETE .../roles/image-library).",
            footerHeading = "%nExamples:%n",
            footer = {"  ilctl role remove host-3 --region RegionOne"})
    static final class Remove implements Callable<Integer> {

        @Mixin
        ServiceOptions services;

        @Parameters(paramLabel = "HOST", description = "Host id.")
        String hostId;

        @Mixin
        RegionOption region;

        @Override
        public Integer call() {
            services.roleService().delete(RoleRequest.path(region.region, hostId));
            return 0;
        }
    }

    @Command(name = "list", description = "Hosts of a region that hold the image-library role (GET /v1/regions/{region}/hosts).",
            footerHeading = "%nExamples:%n",
            footer = {
                    "  ilctl role list --region RegionOne",
                    "  # Host ids only:",
                    "  ilctl role list -f value -c 'Host ID'"})
    static final class ListRoles implements Callable<Integer> {

        @Mixin
        ServiceOptions services;

        @Mixin
        FormatOptions output;

        @Mixin
        RegionOption region;

        @Override
        public Integer call() {
            JsonNode answer = services.roleService().get("/v1/regions/" + region.region + "/hosts", Map.of());
            output.print(listTable(JsonRows.items(answer, "hosts")));
            return 0;
        }
    }

    /** One row per host; the columns are the fields role-service returns, so new fields show without a release. */
    static Table listTable(List<JsonNode> hosts) {
        List<Map<String, JsonNode>> flat = hosts.stream().map(JsonRows::flatten).toList();
        Set<String> keys = new LinkedHashSet<>();
        flat.forEach(host -> keys.addAll(host.keySet()));
        List<List<Object>> rows = flat.stream()
                .map(host -> keys.stream().map(key -> host.containsKey(key) ? JsonRows.cell(host.get(key)) : null).toList())
                .toList();
        return new Table(keys.stream().map(JsonRows::header).toList(), rows);
    }
}
