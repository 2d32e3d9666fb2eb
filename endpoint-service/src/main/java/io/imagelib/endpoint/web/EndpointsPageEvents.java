package io.imagelib.endpoint.web;

import io.imagelib.support.endpoint.AdminEndpointWatcher;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Pushes the whole page snapshot to every open event stream whenever region-endpoints or admin-endpoint change.
 * It subscribes to the readers the REST API already has (no extra consumer). Sending happens on a thread of its
 * own, coalesced: the reader threads only flag that something changed, so a slow browser never holds up the
 * readers, and a burst of records becomes one snapshot.
 */
@Component
class EndpointsPageEvents implements DisposableBean {

    static final String SNAPSHOT_EVENT = "snapshot";
    /** How soon a browser reconnects after a stream ends (timeout, restart). */
    private static final long RECONNECT_MILLIS = 1_000;

    private final EndpointCatalog catalog;
    private final AdminChangeHistory history;
    private final EndpointsPageProperties properties;
    private final Clock clock;
    private final Set<SseEmitter> streams = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean changed = new AtomicBoolean();
    private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("endpoints-page-sse").daemon().factory());

    EndpointsPageEvents(EndpointCatalog catalog, AdminEndpointWatcher admins, EndpointsPageProperties properties,
                        Clock clock, MeterRegistry meters) {
        this.catalog = catalog;
        this.properties = properties;
        this.clock = clock;
        this.history = new AdminChangeHistory(properties.recentChanges());
        // Registered before the readers start (lifecycle beans start after construction), so catch-up is recorded.
        admins.onChange(change -> {
            history.record(change);
            changed();
        });
        catalog.onRegionsChange(this::changed);
        Gauge.builder("imagelib.endpoint.page.streams", streams, Set::size)
                .description("Open API Endpoints page event streams").register(meters);
        long heartbeat = properties.heartbeat().toMillis();
        sender.scheduleWithFixedDelay(this::heartbeat, heartbeat, heartbeat, TimeUnit.MILLISECONDS);
    }

    EndpointsPageSnapshot snapshot() {
        return EndpointsPageSnapshot.of(clock.instant(), catalog.regions(), catalog.admins(), history::recent);
    }

    /** A new stream gets the current snapshot first, then every change. */
    SseEmitter open() {
        SseEmitter stream = new SseEmitter(properties.streamTimeout().toMillis());
        stream.onCompletion(() -> streams.remove(stream));
        stream.onTimeout(stream::complete);
        stream.onError(error -> streams.remove(stream));
        streams.add(stream);
        sender.execute(() -> send(stream, snapshot()));
        return stream;
    }

    private void changed() {
        if (changed.compareAndSet(false, true)) {
            sender.execute(this::broadcast);
        }
    }

    private void broadcast() {
        changed.set(false);
        EndpointsPageSnapshot snapshot = snapshot();
        streams.forEach(stream -> send(stream, snapshot));
    }

    private void send(SseEmitter stream, EndpointsPageSnapshot snapshot) {
        deliver(stream, SseEmitter.event().name(SNAPSHOT_EVENT).reconnectTime(RECONNECT_MILLIS)
                .data(snapshot, MediaType.APPLICATION_JSON));
    }

    private void heartbeat() {
        streams.forEach(stream -> deliver(stream, SseEmitter.event().comment("keep-alive")));
    }

    private void deliver(SseEmitter stream, SseEmitter.SseEventBuilder event) {
        try {
            stream.send(event);
        } catch (IOException | IllegalStateException gone) {
            // The browser went away (or the stream already completed): forget it; a live one reconnects.
            streams.remove(stream);
            stream.completeWithError(gone);
        }
    }

    @Override
    public void destroy() {
        sender.shutdownNow();
        streams.forEach(SseEmitter::complete);
        streams.clear();
    }
}
