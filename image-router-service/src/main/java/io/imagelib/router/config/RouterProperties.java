package io.imagelib.router.config;

import io.imagelib.router.domain.ReadRounds;
import io.imagelib.router.domain.UpstreamTimeouts;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * @param defaultRegion     region of requests that name none (neither path prefix nor X-Imagelib-Region)
 * @param writeUrl          which registered URL writes use: PUBLIC (the host's Glance API URL) or ADMIN (its admin URL)
 * @param quarantine        how long a host that failed under this router is skipped locally (unless the monitor says UP)
 * @param connectTimeout    TCP connect timeout to a host
 * @param responseTimeout   wait for response headers of writes other than uploads/stages (those wait as long as
 *                          Glance stores)
 * @param readResponseTimeout wait for response headers of a read (GET/HEAD of metadata or image data): Glance answers
 *                          them in milliseconds, so a short wait catches a hung host and the read moves on
 * @param maxResumes        how often one download may be resumed on another host
 * @param downloadIdleTimeout a download whose upstream sends nothing for this long is resumed on another host
 * @param maxCreateBody     largest image-create JSON body; it is held in memory so a create can be replayed
 * @param stalledRead       a read to a host the monitor calls DOWN is cut once it has received nothing for this long;
 *                          reads still receiving data go on (docs/image-router-service.md, "Hung hosts")
 * @param readPlans         how many plans a read (or a download's resume) may go through when every planned host
 *                          failed, the first included: each new plan is the live set as it is then
 * @param readReplanPause   the wait before a read plans again, so that a host the monitor called DOWN for a moment
 *                          can come back
 * @param readBudget        no new plan starts once a read has been on its way this long: well under the 30 s the
 *                          most impatient clients we know wait for response headers
 */
@ConfigurationProperties("imagelib.router")
public record RouterProperties(
        @DefaultValue("RegionOne") String defaultRegion,
        @DefaultValue("PUBLIC") WriteUrl writeUrl,
        @DefaultValue("5s") Duration quarantine,
        @DefaultValue("2s") Duration connectTimeout,
        @DefaultValue("30s") Duration responseTimeout,
        @DefaultValue("5s") Duration readResponseTimeout,
        @DefaultValue("3") int maxResumes,
        @DefaultValue("5s") Duration downloadIdleTimeout,
        @DefaultValue("1MB") DataSize maxCreateBody,
        @DefaultValue("1s") Duration stalledRead,
        @DefaultValue("4") int readPlans,
        @DefaultValue("250ms") Duration readReplanPause,
        @DefaultValue("20s") Duration readBudget) {

    public UpstreamTimeouts timeouts() {
        return new UpstreamTimeouts(readResponseTimeout, responseTimeout, downloadIdleTimeout);
    }

    public ReadRounds readRounds() {
        return new ReadRounds(readPlans, readReplanPause, readBudget);
    }

    public enum WriteUrl {
        PUBLIC, ADMIN
    }
}
