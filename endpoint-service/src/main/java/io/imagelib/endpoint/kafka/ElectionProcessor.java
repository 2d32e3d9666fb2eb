package io.imagelib.endpoint.kafka;

import io.imagelib.avro.AdminEndpoint;
import io.imagelib.avro.EndpointCommand;
import io.imagelib.avro.EndpointCommandResult;
import io.imagelib.avro.EndpointCommandType;
import io.imagelib.avro.ImageEndpoint;
import io.imagelib.endpoint.domain.AdminChange;
import io.imagelib.endpoint.domain.AdminElection;
import io.imagelib.endpoint.domain.CommandDecision;
import io.imagelib.endpoint.domain.Decision;
import io.imagelib.endpoint.domain.Refusal;
import io.imagelib.endpoint.domain.RegionState;
import io.imagelib.endpoint.domain.SetAdmin;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Second stage, keyed by region: loads the region's state, lets {@link AdminElection} decide, stores the new state
 * and forwards what changed (admin endpoint, endpoint list, command result). Under exactly_once_v2 the store write
 * (changelog) and the published records commit in one transaction, so an epoch is never published twice nor lost.
 */
final class ElectionProcessor implements Processor<String, RegionInput, String, SpecificRecord> {

    static final String REGIONS_STORE = "regions";
    private static final Logger log = LoggerFactory.getLogger(ElectionProcessor.class);

    private final Clock clock;
    private final ElectionMetrics metrics;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, StoredRegion> regions;
    private ReadOnlyKeyValueStore<String, AdminEndpoint> publishedAdmins;

    ElectionProcessor(Clock clock, ElectionMetrics metrics) {
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.regions = context.getStateStore(REGIONS_STORE);
        this.publishedAdmins = context.getStateStore(PublishedAdmins.STORE);
    }

    @Override
    public void process(Record<String, RegionInput> record) {
        String region = record.key();
        RegionState before = Optional.ofNullable(regions.get(region)).map(StoredRegion::toDomain)
                .orElseGet(() -> PublishedAdmins.seed(region, publishedAdmins.get(region)));
        Instant now = clock.instant();
        Answer answer = switch (record.value()) {
            case RegionInput.Update update ->
                    new Answer(AdminElection.decide(before.apply(update.message().toDomain()), now), Optional.empty());
            case RegionInput.Command command -> answer(before, command.command(), now);
        };
        Decision decision = answer.decision();
        regions.put(region, StoredRegion.of(decision.next()));
        decision.change().ifPresent(change -> publishAdmin(record, change));
        List<ImageEndpoint> endpoints = Published.endpoints(decision.next());
        if (!endpoints.equals(Published.endpoints(before)) || decision.change().isPresent()) {
            context.forward(record.withValue(Published.regionEndpoints(decision.next(), endpoints, now)));
        }
        // Last, in the same transaction: a requester told ACCEPTED finds the new admin already published.
        answer.result().ifPresent(result -> {
            metrics.commandDecided(region, result.getOutcome().name());
            context.forward(record.withValue(result));
        });
    }

    private record Answer(Decision decision, Optional<EndpointCommandResult> result) {
    }

    private static Answer answer(RegionState state, EndpointCommand command, Instant now) {
        if (command.getType() != EndpointCommandType.SET_ADMIN) {
            Refusal unsupported = new Refusal(Refusal.Code.UNSUPPORTED_COMMAND,
                    "Command type " + command.getType() + " is not supported; use SET_ADMIN.");
            return new Answer(new Decision(state, Optional.empty()), Optional.of(Published.refused(command, unsupported, now)));
        }
        CommandDecision decided = AdminElection.setAdmin(state, new SetAdmin(command.getRequestId(),
                command.getHostId(), command.getUrl(), command.getRequester()), now);
        EndpointCommandResult result = decided.refusal()
                .map(refusal -> Published.refused(command, refusal, now))
                .orElseGet(() -> Published.accepted(command, decided.adminInForce().orElseThrow(), now));
        return new Answer(decided.decision(), Optional.of(result));
    }

    private void publishAdmin(Record<String, RegionInput> record, AdminChange change) {
        log.info("Region {} admin -> {} (epoch {}, {}): {}", change.region(), change.admin().hostId(),
                change.admin().epoch(), change.admin().reason(), change.detail());
        metrics.adminChanged(change.region(), change.admin().reason().name());
        context.forward(record.withValue(Published.adminEndpoint(change)));
    }
}
