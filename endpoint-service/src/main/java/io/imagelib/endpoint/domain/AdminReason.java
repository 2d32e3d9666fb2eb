package io.imagelib.endpoint.domain;

/** Why a region's admin endpoint changed; the rules that produce each are in {@link AdminElection}. */
public enum AdminReason {
    LAST_ASSIGNED,
    FAILOVER,
    HANDOVER,
    MANUAL,
    NO_HEALTHY_HOST,
    ROLE_REMOVED,
    /** Read back from a published record whose reason this version does not know (a newer writer's). */
    UNKNOWN
}
