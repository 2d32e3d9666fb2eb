package io.imagelib.endpoint.kafka;

import io.imagelib.avro.HostHealth;
import io.imagelib.avro.HostRole;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First stage, keyed by hostId: turns role and health records into {@link HostUpdateMessage}s keyed by region.
 * Tombstones carry no region, so the router remembers each host's region ({@code host-regions} store).
 */
final class HostRouter {

    static final String HOST_REGIONS_STORE = "host-regions";
    private static final Logger log = LoggerFactory.getLogger(HostRouter.class);

    private HostRouter() {
    }

    /** Both routers share the host-regions store, so they live in one task per hostId partition. */
    private abstract static class Router<V> implements Processor<String, V, String, HostUpdateMessage> {
        ProcessorContext<String, HostUpdateMessage> context;
        KeyValueStore<String, String> regions;

        @Override
        public void init(ProcessorContext<String, HostUpdateMessage> context) {
            this.context = context;
            this.regions = context.getStateStore(HOST_REGIONS_STORE);
        }
    }

    static final class Roles extends Router<HostRole> {

        @Override
        public void process(Record<String, HostRole> record) {
            String hostId = record.key();
            String known = regions.get(hostId);
            HostRole role = record.value();
            if (role == null) {
                if (known == null) {
                    log.warn("Role removal for host {} whose region was never seen; ignored", hostId);
                    return;
                }
                context.forward(record.withKey(known).withValue(HostUpdateMessage.roleRemoved(hostId)));
                return;
            }
            if (known != null && !known.equals(role.getRegion())) {
                // The host moved regions: its old region loses it before the new one gains it.
                context.forward(record.withKey(known).withValue(HostUpdateMessage.roleRemoved(hostId)));
            }
            regions.put(hostId, role.getRegion());
            context.forward(record.withKey(role.getRegion()).withValue(HostUpdateMessage.assigned(role)));
        }
    }

    static final class Health extends Router<HostHealth> {

        @Override
        public void process(Record<String, HostHealth> record) {
            HostHealth health = record.value();
            if (health != null) {
                regions.putIfAbsent(record.key(), health.getRegion());
                context.forward(record.withKey(health.getRegion()).withValue(HostUpdateMessage.healthChanged(health)));
                return;
            }
            String known = regions.get(record.key());
            if (known != null) {
                context.forward(record.withKey(known).withValue(HostUpdateMessage.healthForgotten(record.key())));
            }
        }
    }
}
