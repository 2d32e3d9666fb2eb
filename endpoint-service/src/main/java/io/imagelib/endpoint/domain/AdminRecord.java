package io.imagelib.endpoint.domain;

import java.time.Instant;

/**
 * The admin endpoint on record for a region.
 *
 * @param serving false after NO_HEALTHY_HOST: the host is only kept on record (who was admin last), nobody serves
 */
public record AdminRecord(String hostId, String url, long epoch, AdminReason reason, boolean serving,
                          Instant changedAt) {
}
