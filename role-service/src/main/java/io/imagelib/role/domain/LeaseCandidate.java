package io.imagelib.role.domain;

/**
 * A role-service replica in the writer group, as the group leader sees it while assigning the lease.
 *
 * @param memberId the group member id Kafka gave it (unique, stable for the membership)
 * @param url      the base URL other replicas forward writes to
 * @param holding  it held the lease before this rebalance (keeping it there spares a needless hand-over)
 */
public record LeaseCandidate(String memberId, String url, boolean holding) {
}
