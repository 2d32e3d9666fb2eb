package io.imagelib.endpoint.bench;

import io.imagelib.avro.EndpointCommand;
import io.imagelib.avro.EndpointCommandResult;
import io.imagelib.avro.EndpointCommandType;
import io.imagelib.endpoint.EndpointServiceApplication;
import io.imagelib.endpoint.kafka.ElectionCommands;
import io.imagelib.schemas.topics.Topics;
import io.imagelib.testing.KafkaTestBroker;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.requestreply.KafkaReplyTimeoutException;
import org.springframework.kafka.requestreply.ReplyingKafkaTemplate;
import org.springframework.kafka.support.TopicPartitionOffset;

/**
 * The service's ElectionCommands (a ReplyingKafkaTemplate over every results partition assigned by hand) against a
 * ReplyingKafkaTemplate with a consumer group of its own (the shape of the CommandGateway it replaced), in one run
 * against the real endpoint-service (its Kafka Streams election answers both): latency per request (interleaved,
 * sequential), reply-container start to partitions assigned, and what each does when the election does not answer. Not part of verify; run bench/run.sh.
 * The commands name a region nobody registered, so every answer is a REFUSED decided by the election: the same
 * path (command topic, EOS transaction, results topic) as an accepted one, without moving any admin.
 */
class CommandReplyBenchmark {

    private static final int WARMUP = Integer.getInteger("bench.warmup", 50);
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 300);
    private static final int STARTS = Integer.getInteger("bench.starts", 5);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Duration SHORT_TIMEOUT = Duration.ofSeconds(2);
    private static final String REGION = "BENCH";

    @Test
    void electionCommandsAgainstAGroupReplyingKafkaTemplate() throws Exception {
        try (KafkaTestBroker kafka = new KafkaTestBroker().start();
             ConfigurableApplicationContext app = startEndpointService(kafka)) {
            ElectionCommands commands = app.getBean(ElectionCommands.class);
            StreamsBuilderFactoryBean streams = app.getBean(StreamsBuilderFactoryBean.class);
            await("election running and commands listening", () -> commands.isCaughtUp() && running(streams));
            StringBuilder report = new StringBuilder("=== endpoint-service command request-reply benchmark ("
                    + Instant.now() + ")\nload average before run: " + loadAverage() + "\n");

            report.append(startupCosts(app, commands));

            ReplyingKafkaTemplate<String, Object, Object> replying = replyingTemplate(app, subscribed(app));
            replying.start();
            await("replying template assigned", () -> !replying.getAssignedReplyTopicPartitions().isEmpty());
            long[] viaCommands = new long[ROUNDS];
            long[] viaTemplate = new long[ROUNDS];
            for (int i = -WARMUP; i < ROUNDS; i++) {
                long commandsNanos = timeCommands(commands, TIMEOUT);
                long templateNanos = timeTemplate(replying, TIMEOUT);
                if (i >= 0) {
                    viaCommands[i] = commandsNanos;
                    viaTemplate[i] = templateNanos;
                }
            }
            report.append("latency per request, ").append(ROUNDS).append(" interleaved rounds after ").append(WARMUP)
                    .append(" warm-up (ms):\n")
                    .append(row("ElectionCommands (assign(), no group)", viaCommands))
                    .append(row("ReplyingKafkaTemplate (own group)", viaTemplate));

            report.append(whenTheElectionDoesNotAnswer(commands, replying, streams));
            replying.stop();
            report.append("load average after run: ").append(loadAverage()).append('\n');
            System.out.println(report);
            Files.writeString(Path.of("target", "command-reply-bench.txt"), report);
        }
    }

    /** Container start to partitions assigned, each measured {@code STARTS} times in turn. */
    private static String startupCosts(ConfigurableApplicationContext app, ElectionCommands commands)
            throws InterruptedException {
        long[] assignedByService = new long[STARTS];
        long[] subscribed = new long[STARTS];
        long[] assigned = new long[STARTS];
        for (int i = 0; i < STARTS; i++) {
            commands.stop();
            await("election commands stopped", () -> !commands.isRunning());
            assignedByService[i] = timeToAssignment(commands::start, commands::isCaughtUp);
            subscribed[i] = timeToStartedTemplate(app, subscribed(app));
            assigned[i] = timeToStartedTemplate(app, assignedAllPartitions(app));
        }
        return "reply container start -> partitions assigned, " + STARTS + " starts each (ms):\n"
                + row("ElectionCommands (assign(), no group)", assignedByService)
                + row("ReplyingKafkaTemplate (own group)", subscribed)
                + row("ReplyingKafkaTemplate (assign(), no group)", assigned);
    }

    private static long timeToStartedTemplate(ConfigurableApplicationContext app,
                                              KafkaMessageListenerContainer<String, Object> container)
            throws InterruptedException {
        ReplyingKafkaTemplate<String, Object, Object> template = replyingTemplate(app, container);
        try {
            return timeToAssignment(template::start, () -> !template.getAssignedReplyTopicPartitions().isEmpty());
        } finally {
            template.stop();
            template.destroy();
        }
    }

    private static long timeToAssignment(Runnable start, BooleanSupplier assigned) throws InterruptedException {
        long t0 = System.nanoTime();
        start.run();
        while (!assigned.getAsBoolean()) {
            if (System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(60)) {
                throw new IllegalStateException("reply container not assigned within 60 s");
            }
            Thread.sleep(1);
        }
        return System.nanoTime() - t0;
    }

    /**
     * The election stopped (as when its tasks migrate or its broker is away): how long each waits before failing,
     * and whether each answers again once the election is back.
     */
    private static String whenTheElectionDoesNotAnswer(ElectionCommands commands,
                                                       ReplyingKafkaTemplate<String, Object, Object> replying,
                                                       StreamsBuilderFactoryBean streams) throws Exception {
        streams.stop();
        long t0 = System.nanoTime();
        String commandsOutcome;
        try {
            commands.request(command(), SHORT_TIMEOUT);
            commandsOutcome = "answered (unexpected)";
        } catch (TimeoutException e) {
            commandsOutcome = "TimeoutException";
        }
        long commandsNanos = System.nanoTime() - t0;
        t0 = System.nanoTime();
        String templateOutcome;
        try {
            replying.sendAndReceive(record(), SHORT_TIMEOUT).get(SHORT_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
            templateOutcome = "answered (unexpected)";
        } catch (ExecutionException e) {
            templateOutcome = e.getCause() instanceof KafkaReplyTimeoutException
                    ? "KafkaReplyTimeoutException" : e.getCause().toString();
        }
        long templateNanos = System.nanoTime() - t0;
        streams.start();
        await("election running again", () -> running(streams));
        long restarted = System.nanoTime();
        long commandsAgain = timeCommands(commands, Duration.ofSeconds(30));
        long templateAgain = timeTemplate(replying, Duration.ofSeconds(30));
        return "election stopped, timeout " + SHORT_TIMEOUT.toMillis() + " ms:\n"
                + "  ElectionCommands        fails after %.0f ms with %s%n".formatted(commandsNanos / 1e6, commandsOutcome)
                + "  ReplyingKafkaTemplate   fails after %.0f ms with %s%n".formatted(templateNanos / 1e6, templateOutcome)
                + "election restarted: next request answered in %.1f ms (ElectionCommands), %.1f ms (template), %.0f ms after RUNNING%n"
                .formatted(commandsAgain / 1e6, templateAgain / 1e6, (System.nanoTime() - restarted) / 1e6);
    }

    private static long timeCommands(ElectionCommands commands, Duration timeout) throws Exception {
        EndpointCommand command = command();
        long t0 = System.nanoTime();
        EndpointCommandResult result = commands.request(command, timeout);
        long elapsed = System.nanoTime() - t0;
        requireAnswerTo(command, result);
        return elapsed;
    }

    private static long timeTemplate(ReplyingKafkaTemplate<String, Object, Object> template, Duration timeout)
            throws Exception {
        ProducerRecord<String, Object> record = record();
        long t0 = System.nanoTime();
        Object reply = template.sendAndReceive(record, timeout).get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS).value();
        long elapsed = System.nanoTime() - t0;
        requireAnswerTo((EndpointCommand) record.value(), (EndpointCommandResult) reply);
        return elapsed;
    }

    /** The correlation header must have crossed the Streams topology to the right answer. */
    private static void requireAnswerTo(EndpointCommand command, EndpointCommandResult result) {
        if (!command.getRequestId().equals(result.getRequestId())) {
            throw new IllegalStateException("answer to " + result.getRequestId() + " for " + command.getRequestId());
        }
    }

    private static EndpointCommand command() {
        return EndpointCommand.newBuilder().setRequestId(UUID.randomUUID().toString()).setRegion(REGION)
                .setType(EndpointCommandType.SET_ADMIN).setUrl("https://10.0.0.99:9494").setRequester("bench")
                .setRequestedAt(Instant.now()).build();
    }

    private static ProducerRecord<String, Object> record() {
        EndpointCommand command = command();
        return new ProducerRecord<>(Topics.ENDPOINT_COMMANDS_NAME, command.getRegion(), command);
    }

    @SuppressWarnings("unchecked")
    private static ReplyingKafkaTemplate<String, Object, Object> replyingTemplate(
            ConfigurableApplicationContext app, KafkaMessageListenerContainer<String, Object> container) {
        KafkaTemplate<String, Object> template = app.getBean(KafkaTemplate.class);
        ReplyingKafkaTemplate<String, Object, Object> replying =
                new ReplyingKafkaTemplate<>(template.getProducerFactory(), container);
        // Every instance sees every region's answers: the others' replies are expected, not errors.
        replying.setSharedReplyTopic(true);
        replying.setDefaultReplyTimeout(TIMEOUT);
        return replying;
    }

    /** The replaced CommandGateway's shape: a group of its own over the whole results topic, from its end. */
    private static KafkaMessageListenerContainer<String, Object> subscribed(ConfigurableApplicationContext app) {
        ContainerProperties properties = new ContainerProperties(Topics.ENDPOINT_COMMAND_RESULTS_NAME);
        properties.setGroupId("bench-replies-" + UUID.randomUUID());
        properties.setKafkaConsumerProperties(fromTheEnd());
        return new KafkaMessageListenerContainer<>(consumerFactory(app), properties);
    }

    /** Every partition assigned by hand: no group join, no rebalance. */
    private static KafkaMessageListenerContainer<String, Object> assignedAllPartitions(ConfigurableApplicationContext app) {
        TopicPartitionOffset[] partitions = IntStream.range(0, Topics.ENDPOINT_COMMAND_RESULTS.partitions())
                .mapToObj(p -> new TopicPartitionOffset(Topics.ENDPOINT_COMMAND_RESULTS_NAME, p,
                        TopicPartitionOffset.SeekPosition.END))
                .toArray(TopicPartitionOffset[]::new);
        ContainerProperties properties = new ContainerProperties(partitions);
        properties.setGroupId("bench-replies-" + UUID.randomUUID());
        properties.setKafkaConsumerProperties(fromTheEnd());
        return new KafkaMessageListenerContainer<>(consumerFactory(app), properties);
    }

    private static Properties fromTheEnd() {
        Properties consumer = new Properties();
        consumer.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        return consumer;
    }

    @SuppressWarnings("unchecked")
    private static ConsumerFactory<String, Object> consumerFactory(ConfigurableApplicationContext app) {
        return app.getBean(ConsumerFactory.class);
    }

    private static ConfigurableApplicationContext startEndpointService(KafkaTestBroker kafka) {
        SpringApplication application = new SpringApplication(EndpointServiceApplication.class);
        return application.run("--server.port=0", "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--imagelib.kafka.schema-registry-url=" + KafkaTestBroker.REGISTRY_URL,
                "--imagelib.endpoint.streams.state-dir=target/streams-state/" + UUID.randomUUID(),
                "--imagelib.endpoint.streams.replication-factor=1", "--logging.level.root=WARN");
    }

    private static boolean running(StreamsBuilderFactoryBean streams) {
        KafkaStreams kafkaStreams = streams.getKafkaStreams();
        return kafkaStreams != null && kafkaStreams.state() == KafkaStreams.State.RUNNING;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not reached within 120 s: " + what);
            }
            Thread.sleep(10);
        }
    }

    private static String row(String name, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return "  %-44s p50 %7.1f  p95 %7.1f  p99 %7.1f  max %7.1f%n".formatted(name, percentile(sorted, 50),
                percentile(sorted, 95), percentile(sorted, 99), sorted[sorted.length - 1] / 1e6);
    }

    private static double percentile(long[] sorted, int percent) {
        int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, index)] / 1e6;
    }

    private static String loadAverage() {
        return "%.1f".formatted(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
}
