package io.imagelib.support.kafka;

import io.imagelib.schemas.registry.SchemaRegistry;
import io.imagelib.schemas.topics.TopicSpec;
import java.time.Duration;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Registers the value schema of every catalogue topic at startup, so the registry client (shared per URL with the
 * serializers and deserializers) holds every id before the first record is sent. A registry outage later then costs
 * nothing: without this, the first record of a type a service had not sent yet (the router's first HostObservation,
 * a role-service's first HostRole) failed to serialize while the registry was down and was dropped. Best effort:
 * a registry that is down at startup leaves the serializers' lazy registration, as before.
 */
final class SchemaWarmup implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(SchemaWarmup.class);
    private static final int ATTEMPTS = 3;
    private static final Duration RETRY_PAUSE = Duration.ofMillis(200);

    private final SchemaRegistry registry;
    private final List<TopicSpec<String, ?>> topics;

    SchemaWarmup(SchemaRegistry registry, List<TopicSpec<String, ?>> topics) {
        this.registry = registry;
        this.topics = topics;
    }

    /**
     * In the background: a slow registry (5 s timeout per call, a few calls per subject) must not hold the service's
     * startup; a send racing the warm-up registers the same schema and gets the same id.
     */
    @Override
    public void afterSingletonsInstantiated() {
        Thread.ofVirtual().name("schema-warmup").start(this::warmUp);
    }

    void warmUp() {
        for (TopicSpec<String, ?> topic : topics) {
            register(topic.valueSubject(), SpecificData.get().getSchema(topic.valueType()));
        }
    }

    /**
     * A few attempts: every service warms up the same subjects at once, and Apicurio answers a concurrent first
     * registration of one subject with 409 or 500 (unique key violation); the next attempt gets the id.
     */
    private void register(String subject, Schema schema) {
        for (int attempt = 1; ; attempt++) {
            try {
                registry.register(subject, schema);
                return;
            } catch (RuntimeException e) {
                if (attempt == ATTEMPTS) {
                    log.warn("Could not register {} for {} at startup (registered on first send instead): {}",
                            schema.getFullName(), subject, e.toString());
                    return;
                }
                pause();
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(RETRY_PAUSE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
