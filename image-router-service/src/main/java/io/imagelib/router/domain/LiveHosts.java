package io.imagelib.router.domain;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;

/** The current {@link HostSnapshot}, swapped atomically: request threads never lock, writers retry their CAS. */
public final class LiveHosts {

    private final AtomicReference<HostSnapshot> current = new AtomicReference<>(HostSnapshot.EMPTY);
    private final List<BiConsumer<HostSnapshot, HostSnapshot>> listeners = new CopyOnWriteArrayList<>();

    public HostSnapshot snapshot() {
        return current.get();
    }

    /** Called with (before, after) on the writer's thread after each swap, so what it does sees the new snapshot. */
    public void onChange(BiConsumer<HostSnapshot, HostSnapshot> listener) {
        listeners.add(listener);
    }

    public HostSnapshot apply(UnaryOperator<HostSnapshot> change) {
        HostSnapshot before;
        HostSnapshot after;
        do {
            before = current.get();
            after = change.apply(before);
        } while (!current.compareAndSet(before, after));
        for (BiConsumer<HostSnapshot, HostSnapshot> listener : listeners) {
            listener.accept(before, after);
        }
        return after;
    }
}
