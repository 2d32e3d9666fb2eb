package io.imagelib.endpoint.domain;

import java.util.Optional;

/** Answer to a manual set: accepted (with the admin now in force, changed or already so) or refused. */
public record CommandDecision(Decision decision, Optional<AdminRecord> adminInForce, Optional<Refusal> refusal) {

    public boolean accepted() {
        return refusal.isEmpty();
    }
}
