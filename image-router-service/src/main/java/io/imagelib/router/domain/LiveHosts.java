package io.imagelib.router.domain;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/** The current {@link HostSnapshot}, swapped atomically: request threads never lock, writers retry their CAS. */
public final class LiveHosts {

    private final AtomicReference<HostSnapshot> current = new AtomicReference<>(HostSnapshot.EMPTY);

    public HostSnapshot snapshot() {
        return current.get();
    }

    public HostSnapshot apply(UnaryOperator<HostSnapshot> change) {
        return current.updateAndGet(change);
    }
}
