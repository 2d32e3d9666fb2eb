package io.imagelib.monitor.kafka;

import io.imagelib.monitor.config.MonitorProperties;
import io.imagelib.monitor.probe.HostProber;
import io.imagelib.support.lifecycle.ScheduledLifecycle;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Every {@code republish-every}, sends the full health state of every host this instance watches to
 * imagelib.host-health again, unchanged. Transitions alone leave a reader wrong for good when one record is lost to
 * it (parked on a DLT, a topic re-created, a registry that forgot the schema); on a compacted topic the repeat costs
 * a record per host per period, and readers take an identical record as a no-op. Its own thread: a send that blocks
 * on a missing broker must not hold up the probes.
 */
@Component
class HealthRepublisher extends ScheduledLifecycle {

    static final String REPUBLISHES = "imagelib.monitor.republishes";
    private static final Logger log = LoggerFactory.getLogger(HealthRepublisher.class);

    private final HostProber prober;
    private final Duration every;
    private final Counter republishes;

    HealthRepublisher(HostProber prober, MonitorProperties properties, MeterRegistry meters) {
        super("health-republisher");
        this.prober = prober;
        this.every = properties.republishEvery();
        this.republishes = Counter.builder(REPUBLISHES).description("host health states sent again unchanged")
                .register(meters);
    }

    private void republish() {
        // Never let an exception escape: a periodic task that throws is silently never run again.
        try {
            int sent = prober.republish();
            republishes.increment(sent);
            log.debug("Republished the health of {} hosts", sent);
        } catch (RuntimeException e) {
            log.warn("Republishing host health failed; next try in {}", every, e);
        }
    }

    @Override
    protected void onStart() {
        repeatEvery(every, this::republish);
    }
}
