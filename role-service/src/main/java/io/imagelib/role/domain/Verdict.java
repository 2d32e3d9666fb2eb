package io.imagelib.role.domain;

import java.time.Instant;
import java.util.Optional;

/** What the rules say about a requested change. */
public sealed interface Verdict {

    /** How an accepted assignment changes the topic. */
    enum Change { CREATE, UPDATE, UNCHANGED }

    /** Metric/log name of the outcome. */
    String outcome();

    /** The assignment may be recorded; {@code previous} is the host's current record, if any. */
    record Accepted(Change change, Role role, Optional<HostAssignment> previous) implements Verdict {

        /** The record to publish: a new assignment takes {@code now}; an update or repeat keeps the original time. */
        public HostAssignment record(Instant now, String assignedBy, String requestId) {
            return switch (change) {
                case CREATE -> new HostAssignment(role, now, assignedBy, requestId);
                case UPDATE -> new HostAssignment(role, previous.orElseThrow().assignedAt(), assignedBy, requestId);
                case UNCHANGED -> previous.orElseThrow();
            };
        }

        @Override
        public String outcome() {
            return switch (change) {
                case CREATE -> "created";
                case UPDATE -> "updated";
                case UNCHANGED -> "unchanged";
            };
        }
    }

    /** The role may be removed; publish a tombstone. */
    record Removal(HostAssignment previous) implements Verdict {
        @Override
        public String outcome() {
            return "removed";
        }
    }

    /** A rule is broken; {@code detail} says what exactly and how to fix it. */
    record Refused(Rule rule, String detail) implements Verdict {
        @Override
        public String outcome() {
            return "refused";
        }
    }
}
