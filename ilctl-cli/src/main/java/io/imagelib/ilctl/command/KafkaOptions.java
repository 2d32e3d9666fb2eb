package io.imagelib.ilctl.command;

import io.imagelib.ilctl.events.KafkaAccess;
import picocli.CommandLine.Option;

/** Kafka and schema registry addresses (options, else ILCTL_BOOTSTRAP / ILCTL_REGISTRY, else the local stack's). */
public final class KafkaOptions {

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", defaultValue = "${env:ILCTL_BOOTSTRAP:-127.0.0.1:9092}",
            description = "Kafka bootstrap servers (env ILCTL_BOOTSTRAP; default ${DEFAULT-VALUE}).")
    String bootstrap;

    @Option(names = "--registry", paramLabel = "URL", defaultValue = "${env:ILCTL_REGISTRY:-http://127.0.0.1:8081/apis/ccompat/v7}",
            description = "Schema registry, Confluent-compatible API (env ILCTL_REGISTRY; default ${DEFAULT-VALUE}).")
    String registry;

    public KafkaAccess kafka() {
        return new KafkaAccess(bootstrap, registry);
    }
}
