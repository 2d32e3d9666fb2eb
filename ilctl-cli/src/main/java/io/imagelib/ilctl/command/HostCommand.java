package io.imagelib.ilctl.command;

import io.imagelib.avro.HostHealth;
import io.imagelib.avro.HostRole;
import io.imagelib.ilctl.events.KafkaAccess;
import io.imagelib.ilctl.events.TopicState;
import io.imagelib.ilctl.output.Table;
import io.imagelib.schemas.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Hosts with their role and health as the system sees them: the compacted host-roles and host-health topics. */
@Command(name = "host", description = "Image library hosts and their health.", subcommands = HostCommand.ListHosts.class)
public final class HostCommand {

    static final List<String> COLUMNS = List.of("Host", "Region", "Role", "Status", "Since", "Reason", "Public URL");

    @Command(name = "list", description = {
            "List image library hosts with role and health.",
            "Every host that holds the role or has a health record, joined from the compacted topics "
                    + "imagelib.host-roles and imagelib.host-health (what host-monitor-service last decided).",
            "A host with a role but no health record shows status UNKNOWN: the monitor has not probed it yet."},
            footerHeading = "%nExamples:%n",
            footer = {
                    "  ilctl host list",
                    "  +--------+-----------+----------+--------+--------------------------+---------+-----------------------+",
                    "  | Host   | Region    | Role     | Status | Since                    | Reason  | Public URL            |",
                    "  +--------+-----------+----------+--------+--------------------------+---------+-----------------------+",
                    "  | host-1 | RegionOne | assigned | DOWN   | 2026-11-25T16:02:11.204Z | refused | http://127.0.0.1:9301 |",
                    "  | host-2 | RegionOne | assigned | UP     | 2026-11-25T16:00:02.918Z |         | http://127.0.0.1:9302 |",
                    "  +--------+-----------+----------+--------+--------------------------+---------+-----------------------+",
                    "  # Hosts that are down, for a script:",
                    "  ilctl host list -f value -c Host -c Status | awk '$2 == \"DOWN\" {print $1}'"})
    static final class ListHosts implements Callable<Integer> {

        @Mixin
        KafkaOptions kafkaOptions;

        @Mixin
        FormatOptions output;

        @Option(names = "--region", paramLabel = "REGION", description = "Only this region.")
        String region;

        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "20s", converter = DurationConverter.class,
                description = "How long reading the topics may take (default ${DEFAULT-VALUE}).")
        Duration timeout;

        @Override
        public Integer call() {
            KafkaAccess kafka = kafkaOptions.kafka();
            Map<String, HostRole> roles = TopicState.read(kafka, Topics.HOST_ROLES_NAME, HostRole.class, timeout);
            Map<String, HostHealth> health = TopicState.read(kafka, Topics.HOST_HEALTH_NAME, HostHealth.class, timeout);
            output.print(table(roles, health, region));
            return 0;
        }
    }

    static Table table(Map<String, HostRole> roles, Map<String, HostHealth> health, String regionFilter) {
        List<List<Object>> rows = new ArrayList<>();
        TreeSet<String> hosts = new TreeSet<>(roles.keySet());
        hosts.addAll(health.keySet());
        for (String host : hosts) {
            HostRole role = roles.get(host);
            HostHealth state = health.get(host);
            String region = role != null ? role.getRegion() : state.getRegion();
            if (regionFilter != null && !regionFilter.equals(region)) {
                continue;
            }
            rows.add(Arrays.asList(host, region,
                    role != null ? "assigned" : "none",
                    state != null ? state.getStatus().name() : "UNKNOWN",
                    state != null ? state.getSince().toString() : "",
                    state != null && state.getReason() != null ? state.getReason() : "",
                    role != null ? role.getPublicUrl() : ""));
        }
        return new Table(COLUMNS, rows);
    }
}
