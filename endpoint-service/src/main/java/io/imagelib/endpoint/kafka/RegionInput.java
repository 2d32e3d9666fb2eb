package io.imagelib.endpoint.kafka;

import io.imagelib.avro.EndpointCommand;

/** What reaches the region-keyed election: a host update or an operator command, in partition order. */
sealed interface RegionInput {

    record Update(HostUpdateMessage message) implements RegionInput {
    }

    record Command(EndpointCommand command) implements RegionInput {
    }
}
