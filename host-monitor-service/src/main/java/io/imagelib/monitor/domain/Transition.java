package io.imagelib.monitor.domain;

import java.time.Instant;

/**
 * A host changed status; the only thing the monitor publishes (besides tombstones).
 *
 * @param from      previous status (UNKNOWN for the first settled status after the host is watched)
 * @param to        new status
 * @param since     when the deciding probe finished
 * @param reason    why, for DOWN and DRAINING; null for UP
 * @param decidedBy the probe that tipped the balance
 */
public record Transition(HostStatus from, HostStatus to, Instant since, String reason, ProbeResult decidedBy) {
}
