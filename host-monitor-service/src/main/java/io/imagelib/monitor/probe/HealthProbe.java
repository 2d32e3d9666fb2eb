package io.imagelib.monitor.probe;

import io.imagelib.monitor.domain.ProbeResult;
import java.util.concurrent.CompletableFuture;

/** One probe round against one host; never completes exceptionally (failures are outcomes). */
public interface HealthProbe {

    CompletableFuture<ProbeResult> probe(HostTarget target, boolean deep);

    /** The host is no longer watched: drop whatever is kept for it (idle connections). */
    default void release(HostTarget target) {
    }
}
