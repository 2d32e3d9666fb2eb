package io.imagelib.support.kafka;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * DOWN until every state topic reader ({@link CatchUp} bean) has caught up: a service that answers from half its state would, for
 * example, accept a role that breaks a rule against a host it has not read yet. Put it in the readiness group.
 */
public final class StateReadersHealthIndicator implements HealthIndicator {

    private final ObjectProvider<CatchUp> readers;

    public StateReadersHealthIndicator(ObjectProvider<CatchUp> readers) {
        this.readers = readers;
    }

    @Override
    public Health health() {
        Health.Builder builder = Health.up();
        readers.orderedStream().forEach(reader -> {
            builder.withDetail(reader.catchUpName(), reader.isCaughtUp() ? "caught up" : "catching up");
            if (!reader.isCaughtUp()) {
                builder.status("DOWN");
            }
        });
        return builder.build();
    }
}
