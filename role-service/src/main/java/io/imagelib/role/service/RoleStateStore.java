package io.imagelib.role.service;

import io.imagelib.role.domain.HostAssignment;
import io.imagelib.role.domain.RoleState;
import io.imagelib.support.web.Problems;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.http.HttpStatus;

/**
 * The roles as last read from the host-roles topic. Request threads read an immutable snapshot without locking;
 * only the topic reader applies records.
 */
public final class RoleStateStore {

    private final AtomicReference<RoleState> current = new AtomicReference<>(RoleState.EMPTY);
    private volatile boolean caughtUp;

    public void apply(String hostId, HostAssignment assignmentOrNull) {
        current.updateAndGet(state -> state.with(hostId, assignmentOrNull));
    }

    public void markCaughtUp() {
        caughtUp = true;
    }

    public boolean isCaughtUp() {
        return caughtUp;
    }

    /** The state to answer or decide from; refuses (503) while the topic is still being read, as half a state lies. */
    public RoleState readyState() {
        if (!caughtUp) {
            throw Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "not-ready", "Still reading the roles",
                    "role-service is rebuilding its state from the host-roles topic; retry in a few seconds.");
        }
        return current.get();
    }
}
