package io.imagelib.ilctl.command;

import io.imagelib.ilctl.ExitCode;
import io.imagelib.ilctl.IlctlException;
import io.imagelib.ilctl.dlt.DeadLetters;
import io.imagelib.ilctl.dlt.ParkedRecord;
import io.imagelib.ilctl.dlt.ReplayPlan.Action;
import io.imagelib.ilctl.dlt.ReplayPlan.Step;
import io.imagelib.ilctl.events.AvroJson;
import io.imagelib.ilctl.output.Table;
import io.imagelib.schemas.registry.SchemaRegistries;
import io.imagelib.schemas.serde.ConfluentAvroDeserializer;
import io.imagelib.schemas.topics.TopicSpec;
import io.imagelib.schemas.topics.Topics;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Records the services parked on {@code <topic>-dlt}: look at them, and send them back once the cause is fixed. */
@Command(name = "dlt", description = {
        "Inspect and replay records parked on dead-letter topics.",
        "A service that cannot read a record of TOPIC parks it on TOPIC-dlt (same partition) with headers saying why "
                + "and where it came from, and reads on. Look at them with list; once the cause is fixed (a schema "
                + "registered again, a bug deployed away), send them back with replay."},
        subcommands = {DltCommand.ListParked.class, DltCommand.Replay.class})
public final class DltCommand {

    static final List<String> COLUMNS = List.of("Partition", "Offset", "Timestamp", "Key", "Exception", "Message",
            "Original Topic", "Original Partition", "Original Offset", "Parked By", "Value");

    @Command(name = "list", description = {
            "Show every record parked on TOPIC-dlt.",
            "One row per parked record: its DLT partition and offset, timestamp, key, the exception class and message "
                    + "that parked it, its original topic/partition/offset, the service instance that parked it "
                    + "(imagelib_dlt_parked_by), and its value decoded to JSON when it decodes, else its size and first "
                    + "bytes in hex. Reads without a consumer group: listing changes nothing."},
            footerHeading = "%nExamples:%n",
            footer = {
                    "  # What did the services park from imagelib.host-health?",
                    "  ilctl dlt list host-health",
                    "  # The same as JSON, e.g. the exception of each parked record:",
                    "  ilctl dlt list host-health -f json | jq -r '.[] | .Exception + \": \" + .Message'"})
    static final class ListParked implements Callable<Integer> {

        @Spec
        CommandSpec commandSpec;

        @Mixin
        KafkaOptions kafkaOptions;

        @Mixin
        FormatOptions formatOptions;

        @Parameters(paramLabel = "TOPIC", completionCandidates = EventsCommand.TopicNames.class,
                description = "The original topic (its DLT is read): ${COMPLETION-CANDIDATES}, or the full name.")
        String topic;

        @Override
        public Integer call() {
            TopicSpec<String, ?> spec = spec(topic);
            List<ParkedRecord> parked = new DeadLetters(kafkaOptions.bootstrap).list(spec);
            Function<ParkedRecord, String> decode = decoder(spec, kafkaOptions.registry);
            formatOptions.print(new Table(COLUMNS, parked.stream().map(record -> row(record, decode)).toList()));
            if (parked.isEmpty()) {
                // On stderr: an empty table prints nothing on stdout, which scripts rely on; a person wants to know.
                commandSpec.commandLine().getErr().println("0 records parked on " + spec.deadLetterTopic() + ".");
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "replay", description = {
            "Send the records parked on TOPIC-dlt back to TOPIC.",
            "Each record goes back as it was parked: raw key and value bytes, its original partition, its own headers "
                    + "(without the dead-letter ones) plus imagelib_dlt_replayed_from=TOPIC-dlt/PARTITION/OFFSET. Fix "
                    + "the cause first, or the services park it again.",
            "A replay happens once: consumer group " + DeadLetters.REPLAY_GROUP + " commits the end of each DLT "
                    + "partition after every send was acknowledged, so a second replay sends only what was parked since. "
                    + "To replay again on purpose, reset that group's offsets (Kafka UI, or kafka-consumer-groups.sh "
                    + "--reset-offsets --to-earliest).",
            "On a compacted (state) topic, a parked record whose key has a newer record on TOPIC is skipped as "
                    + "superseded: sending it would put old state over today's."},
            footerHeading = "%nExamples:%n",
            footer = {
                    "  # What would be sent, sending nothing:",
                    "  ilctl dlt replay host-roles --dry-run",
                    "  # Send them:",
                    "  ilctl dlt replay host-roles",
                    "  sent 2, superseded 1, already replayed 0 (imagelib.host-roles-dlt -> imagelib.host-roles)"})
    static final class Replay implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        KafkaOptions kafkaOptions;

        @Parameters(paramLabel = "TOPIC", completionCandidates = EventsCommand.TopicNames.class,
                description = "The original topic, where the records go back: ${COMPLETION-CANDIDATES}, or the full name.")
        String topic;

        @Option(names = "--dry-run", description = "Print what would be sent and why; send and commit nothing.")
        boolean dryRun;

        @Override
        public Integer call() {
            TopicSpec<String, ?> topicSpec = spec(topic);
            List<Step> plan = new DeadLetters(kafkaOptions.bootstrap).replay(topicSpec, dryRun);
            PrintWriter out = spec.commandLine().getOut();
            plan.stream().filter(step -> step.action() != Action.ALREADY_REPLAYED).forEach(step -> out.printf(
                    "%s %s-dlt/%d/%d key %s%n", dryRun ? "would " + verb(step.action()) : verb(step.action()),
                    topicSpec.name(), step.record().partition(), step.record().offset(), step.record().keyText().orElse("(none)")));
            Map<Action, Long> counts = plan.stream().collect(Collectors.groupingBy(Step::action, Collectors.counting()));
            out.printf("%s %d, superseded %d, already replayed %d (%s -> %s)%n", dryRun ? "would send" : "sent",
                    counts.getOrDefault(Action.SEND, 0L), counts.getOrDefault(Action.SUPERSEDED, 0L),
                    counts.getOrDefault(Action.ALREADY_REPLAYED, 0L), topicSpec.deadLetterTopic(), topicSpec.name());
            out.flush();
            return ExitCode.OK;
        }

        private static String verb(Action action) {
            return action == Action.SEND ? "send" : "skip (superseded)";
        }
    }

    /** "host-health", "imagelib.host-health" or "imagelib.host-health-dlt": the catalogue's topic, else a usage error naming them. */
    static TopicSpec<String, ?> spec(String given) {
        String name = EventsCommand.topicName(given);
        String original = name.endsWith(TopicSpec.DLT_SUFFIX) ? name.substring(0, name.length() - TopicSpec.DLT_SUFFIX.length()) : name;
        return Topics.byName(original).orElseThrow(() -> new IlctlException(ExitCode.USAGE, "Unknown topic '" + given
                + "'; the catalogue's topics are " + Topics.ALL.stream().map(TopicSpec::name).toList()));
    }

    static List<Object> row(ParkedRecord record, Function<ParkedRecord, String> decode) {
        List<Object> row = new ArrayList<>();
        row.add(record.partition());
        row.add(record.offset());
        row.add(record.timestamp().toString());
        row.add(record.keyText().orElse(null));
        row.add(record.exceptionClass().orElse(null));
        row.add(record.exceptionMessage().orElse(null));
        row.add(record.originalTopic().orElse(null));
        row.add(record.originalPartition().isPresent() ? record.originalPartition().getAsInt() : null);
        row.add(record.originalOffset().isPresent() ? record.originalOffset().getAsLong() : null);
        row.add(record.parkedBy().orElse(null));
        row.add(decode.apply(record));
        return row;
    }

    /** JSON of the value when the registry decodes it into the topic's type; else size and hex head. */
    @SuppressWarnings("unchecked")
    static Function<ParkedRecord, String> decoder(TopicSpec<String, ?> spec, String registryUrl) {
        var deserializer = new ConfluentAvroDeserializer<>(SchemaRegistries.forUrl(registryUrl), (Class<SpecificRecord>) spec.valueType());
        return record -> {
            if (record.value() == null) {
                return record.valueSummary();
            }
            try {
                return AvroJson.toJson(deserializer.deserialize(spec.name(), record.value())).toString();
            } catch (RuntimeException undecodable) {
                return record.valueSummary();
            }
        };
    }
}
