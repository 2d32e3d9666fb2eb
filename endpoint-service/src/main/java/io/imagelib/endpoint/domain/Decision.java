package io.imagelib.endpoint.domain;

import java.util.Optional;

/** What the election concluded: the region state to keep and the admin change to publish, if any. */
public record Decision(RegionState next, Optional<AdminChange> change) {

    static Decision unchanged(RegionState next) {
        return new Decision(next, Optional.empty());
    }

    static Decision changed(RegionState next, AdminChange change) {
        return new Decision(next.withAdmin(change.admin()), Optional.of(change));
    }
}
