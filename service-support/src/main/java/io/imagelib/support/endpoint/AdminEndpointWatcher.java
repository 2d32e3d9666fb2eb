package io.imagelib.support.endpoint;

import io.imagelib.avro.AdminEndpoint;
import io.imagelib.schemas.topics.Topics;
import io.imagelib.support.kafka.CatchUp;
import io.imagelib.support.kafka.CompactedTopicReader;
import io.imagelib.support.kafka.StateReaderFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.springframework.context.SmartLifecycle;

/**
 * Subscriber library for Java consumers of {@code imagelib.admin-endpoint}: reads the compacted topic from offset 0,
 * is ready once caught up, drops records whose epoch is not newer than one seen for the region, and calls back on
 * every accepted change. Declare it as a bean (it is a lifecycle) or start it yourself.
 */
public final class AdminEndpointWatcher implements SmartLifecycle, CatchUp {

    private final EpochFence fence = new EpochFence();
    private final List<Consumer<AdminEndpoint>> listeners = new CopyOnWriteArrayList<>();
    private final CompactedTopicReader<AdminEndpoint> reader;

    public AdminEndpointWatcher(StateReaderFactory readers) {
        this.reader = readers.reader(Topics.ADMIN_ENDPOINT, (region, endpoint) -> {
            if (endpoint != null && fence.offer(endpoint)) {
                listeners.forEach(listener -> listener.accept(endpoint));
            }
        });
    }

    /** Called on the reader thread for every accepted change; keep it short. */
    public AdminEndpointWatcher onChange(Consumer<AdminEndpoint> listener) {
        listeners.add(listener);
        return this;
    }

    public Optional<AdminEndpoint> current(String region) {
        return fence.current(region);
    }

    public Map<String, AdminEndpoint> all() {
        return fence.all();
    }

    @Override
    public String catchUpName() {
        return reader.catchUpName();
    }

    @Override
    public boolean isCaughtUp() {
        return reader.isCaughtUp();
    }

    public boolean awaitReady(Duration timeout) throws InterruptedException {
        return reader.awaitCaughtUp(timeout);
    }

    @Override
    public void start() {
        reader.start();
    }

    @Override
    public void stop() {
        reader.stop();
    }

    @Override
    public boolean isRunning() {
        return reader.isRunning();
    }
}
