package io.imagelib.endpoint.kafka;

import io.imagelib.avro.AdminEndpoint;
import io.imagelib.endpoint.domain.AdminReason;
import io.imagelib.endpoint.domain.AdminRecord;
import io.imagelib.endpoint.domain.RegionState;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Global store of the admin-endpoint topic as published. A region the election has no state for starts from its
 * last published admin (epoch included), so epochs never go back even if the changelog was deleted.
 */
final class PublishedAdmins implements Processor<String, AdminEndpoint, Void, Void> {

    static final String STORE = "published-admins";

    private KeyValueStore<String, AdminEndpoint> store;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, AdminEndpoint> record) {
        if (record.value() == null) {
            store.delete(record.key());
        } else {
            store.put(record.key(), record.value());
        }
    }

    static RegionState seed(String region, AdminEndpoint published) {
        RegionState empty = RegionState.empty(region);
        if (published == null || published.getHostId() == null) {
            return empty;
        }
        AdminReason reason = AvroMapping.reason(published.getReason());
        AdminRecord admin = new AdminRecord(published.getHostId(), published.getUrl(), published.getEpoch(),
                reason, reason != AdminReason.NO_HEALTHY_HOST, published.getChangedAt());
        return new RegionState(region, Map.of(), Map.of(), Optional.of(admin), empty.assignmentWatermark());
    }
}
