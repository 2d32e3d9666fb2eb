package io.imagelib.role.domain;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Who may write roles when several replicas run, and what a replica does with a write it receives. Only one replica
 * decides and writes, so the per-region serialisation of {@link RoleRules} holds across replicas.
 */
public final class WriterRules {

    private WriterRules() {
    }

    /**
     * The replica that gets the lease: the one that held it before, if it is still a member (so a replica joining
     * does not move the writer); else the lowest member id, so every leader would pick the same one.
     */
    public static Optional<LeaseCandidate> holder(List<LeaseCandidate> members) {
        Comparator<LeaseCandidate> byId = Comparator.comparing(LeaseCandidate::memberId);
        return members.stream().filter(LeaseCandidate::holding).min(byId)
                .or(() -> members.stream().min(byId));
    }

    /**
     * @param forwarded the request already came from another replica: never pass it on again (no forwarding loops
     *                  while the replicas disagree about the writer for a moment)
     */
    public static WriterRoute route(WriterView view, boolean forwarded) {
        if (view.holdsLease()) {
            return view.caughtUp() ? new WriterRoute.Local()
                    : new WriterRoute.Unavailable("This replica just became the writer and is still reading "
                    + "imagelib.host-roles up to what the previous writer committed.");
        }
        if (forwarded) {
            return new WriterRoute.Unavailable("A replica forwarded this change here, but this replica is not the "
                    + "writer (the writer lease is moving).");
        }
        return view.writerUrl().filter(url -> !url.equals(view.selfUrl()))
                .<WriterRoute>map(WriterRoute.Forward::new)
                .orElseGet(() -> new WriterRoute.Unavailable("No role-service replica holds the writer lease "
                        + "right now (the previous writer stopped; another takes over within the lease's session timeout)."));
    }
}
