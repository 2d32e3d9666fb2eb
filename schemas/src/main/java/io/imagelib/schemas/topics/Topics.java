package io.imagelib.schemas.topics;

import io.imagelib.avro.AdminEndpoint;
import io.imagelib.avro.EndpointCommand;
import io.imagelib.avro.EndpointCommandResult;
import io.imagelib.avro.HostHealth;
import io.imagelib.avro.HostObservation;
import io.imagelib.avro.HostRole;
import io.imagelib.avro.RegionEndpoints;
import java.util.List;
import java.util.Optional;

/**
 * The topic catalogue: the one place topic names, key and value types, cleanup policy and sizing are defined.
 * The {@code *_NAME} constants exist because annotations such as {@code @KafkaListener} need compile-time strings.
 */
public final class Topics {

    public static final String HOST_ROLES_NAME = "imagelib.host-roles";
    public static final String HOST_HEALTH_NAME = "imagelib.host-health";
    public static final String HOST_OBSERVATIONS_NAME = "imagelib.host-observations";
    public static final String ADMIN_ENDPOINT_NAME = "imagelib.admin-endpoint";
    public static final String REGION_ENDPOINTS_NAME = "imagelib.region-endpoints";
    public static final String ENDPOINT_COMMANDS_NAME = "imagelib.endpoint-commands";
    public static final String ENDPOINT_COMMAND_RESULTS_NAME = "imagelib.endpoint-command-results";
    public static final String ROLE_WRITER_LEASE_NAME = "imagelib.role-writer-lease";

    private static final short RF = 3;
    private static final int MIN_ISR = 2;
    /**
     * Sized for what they hold, tens to hundreds of hosts per region and a handful of regions, because every
     * partition is work for the surviving brokers when one dies (docs/decisions/partition-sizing.md; 12 and 6 before).
     * Host-keyed topics get more: host-monitor instances split hosts by host-roles partition. A topic keeps the count
     * it was created with: the provisioner refuses a keyed topic whose count differs from this catalogue.
     */
    private static final int HOST_PARTITIONS = 6;
    private static final int REGION_PARTITIONS = 3;

    /** Which hosts hold the image-library role (tombstone = role removed). */
    public static final TopicSpec<String, HostRole> HOST_ROLES = new TopicSpec<>(
            HOST_ROLES_NAME, String.class, HostRole.class, "hostId", CleanupPolicy.COMPACT, HOST_PARTITIONS, RF, MIN_ISR);

    /** Latest health transition per host. */
    public static final TopicSpec<String, HostHealth> HOST_HEALTH = new TopicSpec<>(
            HOST_HEALTH_NAME, String.class, HostHealth.class, "hostId", CleanupPolicy.COMPACT, HOST_PARTITIONS, RF, MIN_ISR);

    /** Failures clients saw; makes the monitor probe at once. */
    public static final TopicSpec<String, HostObservation> HOST_OBSERVATIONS = new TopicSpec<>(
            HOST_OBSERVATIONS_NAME, String.class, HostObservation.class, "hostId", CleanupPolicy.DELETE, HOST_PARTITIONS, RF, MIN_ISR);

    /** Current admin endpoint per region, epoch-fenced. */
    public static final TopicSpec<String, AdminEndpoint> ADMIN_ENDPOINT = new TopicSpec<>(
            ADMIN_ENDPOINT_NAME, String.class, AdminEndpoint.class, "region", CleanupPolicy.COMPACT, REGION_PARTITIONS, RF, MIN_ISR);

    /** The region's image-cluster endpoint list with health and admin mark. */
    public static final TopicSpec<String, RegionEndpoints> REGION_ENDPOINTS = new TopicSpec<>(
            REGION_ENDPOINTS_NAME, String.class, RegionEndpoints.class, "region", CleanupPolicy.COMPACT, REGION_PARTITIONS, RF, MIN_ISR);

    /** Operator commands (set admin). */
    public static final TopicSpec<String, EndpointCommand> ENDPOINT_COMMANDS = new TopicSpec<>(
            ENDPOINT_COMMANDS_NAME, String.class, EndpointCommand.class, "region", CleanupPolicy.DELETE, REGION_PARTITIONS, RF, MIN_ISR);

    /** Answers to operator commands, matched by requestId. */
    public static final TopicSpec<String, EndpointCommandResult> ENDPOINT_COMMAND_RESULTS = new TopicSpec<>(
            ENDPOINT_COMMAND_RESULTS_NAME, String.class, EndpointCommandResult.class, "region", CleanupPolicy.DELETE, REGION_PARTITIONS, RF, MIN_ISR);

    public static final List<TopicSpec<String, ?>> ALL = List.of(
            HOST_ROLES, HOST_HEALTH, HOST_OBSERVATIONS, ADMIN_ENDPOINT, REGION_ENDPOINTS, ENDPOINT_COMMANDS, ENDPOINT_COMMAND_RESULTS);

    /** role-service replicas: the member of the writer group assigned its one partition is the only writer. */
    public static final LeaseTopic ROLE_WRITER_LEASE = new LeaseTopic(ROLE_WRITER_LEASE_NAME, "role-service", RF, MIN_ISR);

    private Topics() {
    }

    public static Optional<TopicSpec<String, ?>> byName(String name) {
        return ALL.stream().filter(t -> t.name().equals(name)).findFirst();
    }
}
