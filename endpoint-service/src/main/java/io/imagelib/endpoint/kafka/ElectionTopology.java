package io.imagelib.endpoint.kafka;

import io.imagelib.avro.EndpointCommand;
import io.imagelib.avro.HostHealth;
import io.imagelib.avro.HostRole;
import io.imagelib.schemas.registry.SchemaRegistry;
import io.imagelib.schemas.serde.AvroSerdes;
import io.imagelib.schemas.topics.TopicSpec;
import io.imagelib.schemas.topics.Topics;
import java.time.Clock;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The election as a Kafka Streams topology:
 * <pre>
 * host-roles  (key hostId) ─┐ HostRouter (store host-regions)         ┌─ admin-endpoint           (key region)
 * host-health (key hostId) ─┴─> repartition by region ─┐              ├─ region-endpoints         (key region)
 * endpoint-commands (key region) ──────────────────────┴─> Election ──┴─ endpoint-command-results (key region)
 *                                                       (store regions)
 * </pre>
 * The repartition topic has as many partitions as endpoint-commands and uses the same key hashing, so a region's
 * host updates and commands meet in the same task, in order, against the same store.
 */
public final class ElectionTopology {

    private ElectionTopology() {
    }

    /** Adds the election to the builder; returns the stream of everything it publishes. */
    public static KStream<String, SpecificRecord> build(StreamsBuilder builder, SchemaRegistry registry, Clock clock, ElectionMetrics metrics) {
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(HostRouter.HOST_REGIONS_STORE), Serdes.String(), Serdes.String()));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ElectionProcessor.REGIONS_STORE), Serdes.String(),
                JsonSerde.of(StoredRegion.class)));

        // What was published before is the epoch floor should the regions store and its changelog be lost
        // (an application reset): the epoch then resumes above it instead of restarting at 1.
        builder.addGlobalStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(PublishedAdmins.STORE),
                        Serdes.String(), AvroSerdes.value(registry, Topics.ADMIN_ENDPOINT)).withLoggingDisabled(),
                Topics.ADMIN_ENDPOINT_NAME,
                Consumed.with(Serdes.String(), AvroSerdes.value(registry, Topics.ADMIN_ENDPOINT)).withName("published-admins"),
                PublishedAdmins::new);

        KStream<String, HostUpdateMessage> roleUpdates = builder
                .stream(Topics.HOST_ROLES_NAME, Consumed.with(Serdes.String(), AvroSerdes.value(registry, HostRole.class))
                        .withName("host-roles"))
                .process(HostRouter.Roles::new, HostRouter.HOST_REGIONS_STORE);
        KStream<String, HostUpdateMessage> healthUpdates = builder
                .stream(Topics.HOST_HEALTH_NAME, Consumed.with(Serdes.String(), AvroSerdes.value(registry, HostHealth.class))
                        .withName("host-health"))
                .process(HostRouter.Health::new, HostRouter.HOST_REGIONS_STORE);
        KStream<String, RegionInput> updatesByRegion = roleUpdates.merge(healthUpdates)
                .repartition(Repartitioned.with(Serdes.String(), JsonSerde.of(HostUpdateMessage.class))
                        .withName("host-updates-by-region")
                        .withNumberOfPartitions(Topics.ENDPOINT_COMMANDS.partitions()))
                .<RegionInput>mapValues(RegionInput.Update::new);
        KStream<String, RegionInput> commands = builder
                .stream(Topics.ENDPOINT_COMMANDS_NAME,
                        Consumed.with(Serdes.String(), AvroSerdes.value(registry, EndpointCommand.class))
                                .withName("endpoint-commands"))
                .filter((region, command) -> command != null)
                .<RegionInput>mapValues(RegionInput.Command::new);

        KStream<String, SpecificRecord> published = updatesByRegion.merge(commands)
                .process(() -> new ElectionProcessor(clock, metrics), ElectionProcessor.REGIONS_STORE);
        publish(published, Topics.ADMIN_ENDPOINT, registry);
        publish(published, Topics.REGION_ENDPOINTS, registry);
        publish(published, Topics.ENDPOINT_COMMAND_RESULTS, registry);
        return published;
    }

    private static <V extends SpecificRecord> void publish(KStream<String, SpecificRecord> published,
                                                           TopicSpec<String, V> topic, SchemaRegistry registry) {
        published.filter((region, value) -> topic.valueType().isInstance(value))
                .mapValues(value -> topic.valueType().cast(value))
                .to(topic.name(), Produced.with(Serdes.String(), AvroSerdes.value(registry, topic)));
    }
}
