package io.imagelib.role.service;

import io.imagelib.role.domain.Assignment;
import io.imagelib.role.domain.HostAssignment;
import io.imagelib.role.domain.RoleRules;
import io.imagelib.role.domain.RoleState;
import io.imagelib.role.domain.Rule;
import io.imagelib.role.domain.Verdict;
import io.imagelib.role.probe.HealthcheckProbe;
import io.imagelib.role.probe.ProbeResult;
import io.imagelib.support.web.Problems;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

/**
 * Assigns and removes the role: rules, probe, then one write to the role log. Mutations hold the host's lock and then
 * the region's lock from the decision until this instance has read its own write back, so two requests can never
 * both pass a rule only one of them can satisfy (e.g. two LOCAL hosts into an empty region).
 */
@Service
public class RoleAssignments {

    /** Result of an accepted assignment or removal. */
    public record Outcome(Verdict verdict, HostAssignment record) {
    }

    private static final Logger log = LoggerFactory.getLogger(RoleAssignments.class);

    private final RoleStateStore store;
    private final RoleLog roleLog;
    private final HealthcheckProbe probe;
    private final MeterRegistry meters;
    private final Clock clock;
    private final KeyedLocks locks = new KeyedLocks();

    public RoleAssignments(RoleStateStore store, RoleLog roleLog, HealthcheckProbe probe, MeterRegistry meters, Clock clock) {
        this.store = store;
        this.roleLog = roleLog;
        this.probe = probe;
        this.meters = meters;
        this.clock = clock;
    }

    public RoleState state() {
        return store.readyState();
    }

    public Outcome assign(Assignment requested, boolean probeFirst, String principal, String requestId) {
        // Check before probing: a request that breaks a rule should not wait for a 2 s probe to learn so.
        Verdict early = RoleRules.check(store.readyState(), requested);
        if (early instanceof Verdict.Accepted accepted && accepted.change() != Verdict.Change.UNCHANGED && probeFirst) {
            ProbeResult health = probe.check(accepted.role().publicUrl());
            if (!health.isHealthy()) {
                count(requested.region(), "probe-failed", "healthcheck-failed");
                throw Problems.of(HttpStatus.UNPROCESSABLE_CONTENT, "healthcheck-failed", "Glance health check failed",
                        "GET " + health.url() + " " + health.failure() + ". Start Glance (systemctl status pf9-glance-api) "
                                + "and check the URL, or assign with ?probe=false to pre-stage the host.");
            }
        }
        if (!(early instanceof Verdict.Accepted first) || first.change() == Verdict.Change.UNCHANGED) {
            return conclude(requested.region(), requested.hostId(), early, null);
        }
        return locked(requested.region(), requested.hostId(), () -> {
            // Decide again on the state as it is now: another request may have written while we probed.
            Verdict verdict = RoleRules.check(store.readyState(), requested);
            HostAssignment record = null;
            if (verdict instanceof Verdict.Accepted accepted && accepted.change() != Verdict.Change.UNCHANGED) {
                record = accepted.record(clock.instant(), principal, requestId);
                roleLog.write(requested.hostId(), record);
            }
            return conclude(requested.region(), requested.hostId(), verdict, record);
        });
    }

    public Outcome remove(String region, String hostId) {
        return locked(region, hostId, () -> {
            Verdict verdict = RoleRules.checkRemoval(store.readyState(), region, hostId);
            if (verdict instanceof Verdict.Removal) {
                roleLog.write(hostId, null);
            }
            return conclude(region, hostId, verdict, null);
        });
    }

    private Outcome locked(String region, String hostId, Supplier<Outcome> action) {
        return locks.withAll(List.of("host:" + hostId, "region:" + region), action);
    }

    /** Counts and logs the verdict; a refusal becomes the problem+json the client sees. */
    private Outcome conclude(String region, String hostId, Verdict verdict, HostAssignment written) {
        return switch (verdict) {
            case Verdict.Refused refused -> {
                count(region, refused.outcome(), refused.rule().slug());
                log.info("Refused role for host {} in region {}: {}", hostId, region, refused.rule().slug());
                throw Problems.of(status(refused.rule()), refused.rule().slug(), refused.rule().title(), refused.detail());
            }
            case Verdict.Accepted accepted -> {
                count(region, accepted.outcome(), "none");
                if (written != null) {
                    log.info("Host {} {} the image-library role in region {}", hostId, accepted.outcome(), region);
                }
                yield new Outcome(verdict, written != null ? written : accepted.previous().orElseThrow());
            }
            case Verdict.Removal removal -> {
                count(region, removal.outcome(), "none");
                log.info("Host {} lost the image-library role in region {}", hostId, region);
                yield new Outcome(verdict, removal.previous());
            }
        };
    }

    private void count(String region, String outcome, String rule) {
        meters.counter("imagelib.role.decisions", "region", region, "outcome", outcome, "rule", rule).increment();
    }

    private static HttpStatus status(Rule rule) {
        return switch (rule.kind()) {
            case INVALID -> HttpStatus.BAD_REQUEST;
            case CONFLICT -> HttpStatus.CONFLICT;
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
        };
    }
}
