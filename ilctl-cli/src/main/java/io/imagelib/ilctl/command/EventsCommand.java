package io.imagelib.ilctl.command;

import io.imagelib.ilctl.ExitCode;
import io.imagelib.ilctl.IlctlException;
import io.imagelib.ilctl.output.HumanDuration;
import io.imagelib.ilctl.events.EventTail;
import io.imagelib.schemas.topics.TopicSpec;
import io.imagelib.schemas.topics.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** What flows on the topics, decoded. */
@Command(name = "events", description = "Watch the system's Kafka topics, Avro decoded to JSON.",
        subcommands = EventsCommand.Tail.class)
public final class EventsCommand {

    @Command(name = "tail", description = {
            "Print TOPIC's new records as JSON lines and follow (--from-beginning for the history).",
            "Print each record of TOPIC as one JSON line {topic, partition, offset, timestamp, key, value} and follow "
                    + "until Ctrl-C, --max records or --timeout. Reads without a consumer group: it never moves the "
                    + "services' offsets.",
            "TOPIC is a catalogue name (imagelib.host-health) or its short form (host-health); a -dlt suffix reads the "
                    + "dead-letter topic."},
            footerHeading = "%nExamples:%n",
            footer = {
                    "  # Health transitions as they happen:",
                    "  ilctl events tail host-health",
                    "  {\"topic\":\"imagelib.host-health\",\"partition\":4,\"offset\":7,\"timestamp\":\"2026-11-25T16:02:11.204Z\",\"key\":\"host-1\",",
                    "   \"value\":{\"region\":\"RegionOne\",\"hostId\":\"host-1\",\"status\":\"DOWN\",\"reason\":\"refused\",...}}",
                    "  # Who has been admin, then stop (for scripts):",
                    "  ilctl events tail admin-endpoint --from-beginning --timeout 5s",
                    "  # Wait for the next admin change, at most 30 s (exit 5 if none):",
                    "  ilctl events tail admin-endpoint --max 1 --timeout 30s | jq -r .value.hostId"})
    static final class Tail implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        KafkaOptions kafkaOptions;

        @Parameters(paramLabel = "TOPIC", completionCandidates = TopicNames.class,
                description = "One of: ${COMPLETION-CANDIDATES}.")
        String topic;

        @Option(names = "--from-beginning", description = "Start at the oldest record instead of the next new one.")
        boolean fromBeginning;

        @Option(names = "--max", paramLabel = "N", description = "Stop after N records.")
        Long max;

        @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "Stop after this long, e.g. 30s. With --max, exit 5 when fewer records came.")
        Duration timeout;

        @Override
        public Integer call() {
            EventTail tail = new EventTail(kafkaOptions.kafka());
            Thread stopOnCtrlC = new Thread(tail::stop, "ilctl-events-stop");
            Runtime.getRuntime().addShutdownHook(stopOnCtrlC);
            PrintWriter out = spec.commandLine().getOut();
            if (!fromBeginning) {
                // On stderr, so the JSON lines on stdout stay clean for jq.
                spec.commandLine().getErr().printf("Waiting for new records on %s (the history: add --from-beginning; stop: Ctrl-C)%n",
                        topicName(topic));
                spec.commandLine().getErr().flush();
            }
            long printed = tail.follow(topicName(topic), fromBeginning, Optional.ofNullable(max), Optional.ofNullable(timeout), out);
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnCtrlC);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is already running
            }
            if (max != null && printed < max) {
                throw new IlctlException(ExitCode.TIMED_OUT, "Only " + printed + " of " + max + " records within " + HumanDuration.of(timeout));
            }
            return ExitCode.OK;
        }
    }

    /** Accepts "host-health" for "imagelib.host-health". */
    static String topicName(String given) {
        return given.startsWith(TopicSpec.PREFIX) ? given : TopicSpec.PREFIX + given;
    }

    /** Shell completion and help list the catalogue's short names. */
    static final class TopicNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Topics.ALL.stream().map(t -> t.name().substring(TopicSpec.PREFIX.length())).iterator();
        }
    }
}
