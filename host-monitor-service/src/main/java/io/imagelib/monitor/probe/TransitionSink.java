package io.imagelib.monitor.probe;

import io.imagelib.monitor.domain.Transition;

/** Where decisions go: Kafka in the service, a recorder in the benchmark and tests. */
public interface TransitionSink {

    /** Called in order per host, while no other result of that host is being applied. */
    void transition(HostTarget host, Transition transition);

    /** The host lost its role: its health record goes too. */
    void removed(String hostId);
}
