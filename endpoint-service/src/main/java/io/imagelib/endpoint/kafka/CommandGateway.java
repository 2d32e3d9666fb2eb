package io.imagelib.endpoint.kafka;

import io.imagelib.avro.EndpointCommand;
import io.imagelib.avro.EndpointCommandResult;
import io.imagelib.schemas.topics.Topics;
import io.imagelib.support.kafka.CatchUp;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.TopicPartition;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConsumerSeekAware;

/**
 * Request/reply over Kafka for operator commands: publishes an EndpointCommand keyed by region and waits for the
 * EndpointCommandResult with the same requestId. Every instance follows the results topic from its end with a
 * group of its own, because the election answers on the region's partition, not to the asking instance.
 */
public final class CommandGateway implements ConsumerSeekAware, CatchUp {

    private final KafkaTemplate<String, Object> template;
    private final Map<String, CompletableFuture<EndpointCommandResult>> pending = new ConcurrentHashMap<>();
    private volatile boolean listening;

    public CommandGateway(KafkaTemplate<String, Object> template) {
        this.template = template;
    }

    /** Sends the command and waits for its answer; the timeout covers both. */
    public EndpointCommandResult request(EndpointCommand command, Duration timeout)
            throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        CompletableFuture<EndpointCommandResult> answer = new CompletableFuture<>();
        pending.put(command.getRequestId(), answer);
        try {
            template.send(Topics.ENDPOINT_COMMANDS_NAME, command.getRegion(), command)
                    .get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return answer.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot publish command " + command.getRequestId() + ": "
                    + e.getCause().getMessage(), e.getCause());
        } finally {
            pending.remove(command.getRequestId());
        }
    }

    @KafkaListener(id = "endpoint-command-results", topics = Topics.ENDPOINT_COMMAND_RESULTS_NAME,
            groupId = "endpoint-service-results-${imagelib.kafka.instance-id:local}-${random.uuid}")
    void onResult(EndpointCommandResult result) {
        CompletableFuture<EndpointCommandResult> waiting = pending.get(result.getRequestId());
        if (waiting != null) {
            waiting.complete(result);
        }
    }

    /** Only answers to requests made from now on matter; older results are never replayed. */
    @Override
    public void onPartitionsAssigned(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
        callback.seekToEnd(assignments.keySet());
        listening = true;
    }

    @Override
    public String catchUpName() {
        return Topics.ENDPOINT_COMMAND_RESULTS_NAME;
    }

    @Override
    public boolean isCaughtUp() {
        return listening;
    }
}
