package io.imagelib.endpoint.kafka;

import io.imagelib.avro.EndpointCommand;
import io.imagelib.avro.EndpointCommandResult;
import io.imagelib.schemas.serde.DecodeFailure;
import io.imagelib.schemas.topics.Topics;
import io.imagelib.support.kafka.CatchUp;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.requestreply.KafkaReplyTimeoutException;
import org.springframework.kafka.requestreply.ReplyingKafkaTemplate;
import org.springframework.kafka.support.TopicPartitionOffset;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.kafka.support.serializer.SerializationUtils;

/**
 * Operator commands answered by the election, over Spring Kafka's {@link ReplyingKafkaTemplate}. The election answers
 * on the region's partition of the results topic, not on one the asking instance chooses, so every instance reads
 * every partition from its end (assigned by hand: no group join at start) and ignores the answers to the others
 * (shared reply topic). The answer is matched by the {@code kafka_correlationId} header, which the election topology
 * carries from the command to its result. Not a KafkaTemplate bean itself, so the service's one KafkaTemplate stays
 * the only candidate for injection.
 */
public final class ElectionCommands implements SmartLifecycle, DisposableBean, CatchUp {

    private static final LogAccessor LOG = new LogAccessor(ElectionCommands.class);

    private final ReplyingKafkaTemplate<String, Object, Object> replies;

    /** @param poison parks undecodable results on the results topic's DLT (the template itself would only log them) */
    public ElectionCommands(ProducerFactory<String, Object> producers, ConsumerFactory<String, Object> consumers,
                            String instanceId, ConsumerRecordRecoverer poison) {
        this.replies = new ReplyingKafkaTemplate<>(producers, everyResultsPartitionFromTheEnd(consumers, instanceId)) {
            @Override
            public void onMessage(List<ConsumerRecord<String, Object>> results) {
                super.onMessage(results.stream().filter(result -> !parkedIfUndecodable(result, poison)).toList());
            }
        };
        this.replies.setSharedReplyTopic(true);
    }

    /** Registry faults are not poison: such a result goes on to the template, which fails the waiting command. */
    private static boolean parkedIfUndecodable(ConsumerRecord<String, Object> result, ConsumerRecordRecoverer poison) {
        Header header = result.headers().lastHeader(SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER);
        if (header == null) {
            return false;
        }
        DeserializationException failure = SerializationUtils.byteArrayToDeserializationException(LOG, header);
        if (failure == null || !DecodeFailure.classify(failure).isPoison()) {
            return false;
        }
        poison.accept(result, failure);
        return true;
    }

    private static KafkaMessageListenerContainer<String, Object> everyResultsPartitionFromTheEnd(
            ConsumerFactory<String, Object> consumers, String instanceId) {
        TopicPartitionOffset[] partitions = IntStream.range(0, Topics.ENDPOINT_COMMAND_RESULTS.partitions())
                .mapToObj(partition -> new TopicPartitionOffset(Topics.ENDPOINT_COMMAND_RESULTS_NAME, partition,
                        TopicPartitionOffset.SeekPosition.END))
                .toArray(TopicPartitionOffset[]::new);
        ContainerProperties properties = new ContainerProperties(partitions);
        properties.setGroupId("endpoint-service-results-" + instanceId + "-" + UUID.randomUUID());
        return new KafkaMessageListenerContainer<>(consumers, properties);
    }

    /** Sends the command and waits for its answer; the timeout covers both. */
    public EndpointCommandResult request(EndpointCommand command, Duration timeout)
            throws TimeoutException, InterruptedException {
        try {
            return (EndpointCommandResult) replies.sendAndReceive(
                    new ProducerRecord<>(Topics.ENDPOINT_COMMANDS_NAME, command.getRegion(), command), timeout)
                    .get().value();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof KafkaReplyTimeoutException) {
                throw new TimeoutException(e.getCause().getMessage());
            }
            throw new IllegalStateException("Cannot publish command " + command.getRequestId() + ": "
                    + e.getCause().getMessage(), e.getCause());
        }
    }

    /** Ready once every results partition is assigned: a command never waits for an answer nobody listens for. */
    @Override
    public boolean isCaughtUp() {
        return replies.isRunning() && !replies.getAssignedReplyTopicPartitions().isEmpty();
    }

    @Override
    public String catchUpName() {
        return Topics.ENDPOINT_COMMAND_RESULTS_NAME;
    }

    @Override
    public void start() {
        replies.start();
    }

    @Override
    public void stop() {
        replies.stop();
    }

    @Override
    public boolean isRunning() {
        return replies.isRunning();
    }

    @Override
    public void destroy() {
        replies.destroy();
    }
}
