package io.imagelib.systemtests;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A seeded random fault schedule over N hosts: the same seed gives the same steps. Pure (no I/O, no clock).
 *
 * <p>It keeps one promise so that "no failed client request" is a fair goal: after every step at least one host is
 * serving (not killed, hung, drained or still restarting) <em>and</em> holds the role. A restore is modelled as
 * taking {@code restoreTime} (a killed Glance restarts in 11-18 s here under load); the host is not faulted, not
 * counted as serving and not given the role again before that.
 */
public final class FaultSchedule {

    public enum Action { KILL, HANG, DRAIN, RESTORE, REMOVE_ROLE, ASSIGN_ROLE, SET_ADMIN }

    /** One step: {@code at} after the schedule starts, {@code action} on host {@code host}. */
    public record Step(Duration at, Action action, String host) {
        @Override
        public String toString() {
            return "+%.1fs %s %s".formatted(at.toMillis() / 1000.0, action, host);
        }
    }

    /** Bounds of a schedule: steps no later than {@code duration}, at most {@code maxSteps}, gaps in [minGap, maxGap]. */
    public record Bounds(Duration duration, int maxSteps, Duration minGap, Duration maxGap, Duration restoreTime) {
        public Bounds {
            if (minGap.isNegative() || maxGap.compareTo(minGap) < 0 || maxSteps < 0) {
                throw new IllegalArgumentException("Bad bounds " + this);
            }
        }
    }

    private enum Fault { NONE, KILLED, HUNG, DRAINED }

    private static final class HostModel {
        Fault fault = Fault.NONE;
        boolean role = true;
        long readyAtMillis;

        boolean serving(long nowMillis) {
            return fault == Fault.NONE && nowMillis >= readyAtMillis;
        }
    }

    private FaultSchedule() {
    }

    /** Steps for {@code hosts}, which all start serving and holding the role. */
    public static List<Step> generate(long seed, List<String> hosts, Bounds bounds) {
        Random random = new Random(seed);
        Map<String, HostModel> model = new LinkedHashMap<>();
        hosts.forEach(h -> model.put(h, new HostModel()));
        List<Step> steps = new ArrayList<>();
        long now = 0;
        long gapRange = bounds.maxGap().toMillis() - bounds.minGap().toMillis();
        while (steps.size() < bounds.maxSteps()) {
            now += bounds.minGap().toMillis() + (gapRange == 0 ? 0 : random.nextLong(gapRange + 1));
            if (now > bounds.duration().toMillis()) {
                break;
            }
            List<Step> candidates = candidates(model, now);
            if (candidates.isEmpty()) {
                continue;
            }
            // The kind first, then the host: otherwise the always-possible operator sets crowd out the faults.
            List<Action> kinds = candidates.stream().map(Step::action).distinct().toList();
            Action kind = kinds.get(random.nextInt(kinds.size()));
            List<Step> ofKind = candidates.stream().filter(c -> c.action() == kind).toList();
            Step step = ofKind.get(random.nextInt(ofKind.size()));
            apply(model.get(step.host()), step.action(), now, bounds.restoreTime().toMillis());
            steps.add(new Step(Duration.ofMillis(now), step.action(), step.host()));
        }
        return List.copyOf(steps);
    }

    /** Every step that keeps the promise from this state (the {@code at} of each is filled in by the caller). */
    private static List<Step> candidates(Map<String, HostModel> model, long now) {
        List<Step> out = new ArrayList<>();
        model.forEach((host, h) -> {
            boolean ready = now >= h.readyAtMillis;
            if (h.serving(now)) {
                for (Action fault : List.of(Action.KILL, Action.HANG, Action.DRAIN)) {
                    addIfSafe(out, model, now, host, fault);
                }
            } else if (h.fault != Fault.NONE) {
                out.add(new Step(Duration.ZERO, Action.RESTORE, host));
            }
            if (h.role) {
                addIfSafe(out, model, now, host, Action.REMOVE_ROLE);
                // Operator sets may name a host that is not UP: the endpoint-service must refuse those.
                out.add(new Step(Duration.ZERO, Action.SET_ADMIN, host));
            } else if (h.fault == Fault.NONE && ready) {
                // The role-service probes the host's /healthcheck before it assigns: only a serving host.
                out.add(new Step(Duration.ZERO, Action.ASSIGN_ROLE, host));
            }
        });
        return out;
    }

    private static void addIfSafe(List<Step> out, Map<String, HostModel> model, long now, String host, Action action) {
        long servingWithRole = model.entrySet().stream()
                .filter(e -> !e.getKey().equals(host))
                .filter(e -> e.getValue().serving(now) && e.getValue().role)
                .count();
        if (servingWithRole >= 1) {
            out.add(new Step(Duration.ZERO, action, host));
        }
    }

    private static void apply(HostModel h, Action action, long now, long restoreMillis) {
        switch (action) {
            case KILL -> h.fault = Fault.KILLED;
            case HANG -> h.fault = Fault.HUNG;
            case DRAIN -> h.fault = Fault.DRAINED;
            case RESTORE -> {
                h.fault = Fault.NONE;
                h.readyAtMillis = now + restoreMillis;
            }
            case REMOVE_ROLE -> h.role = false;
            case ASSIGN_ROLE -> h.role = true;
            case SET_ADMIN -> {
                // no change to the model: the election decides
            }
        }
    }

    /** Replays {@code steps} on the model and says whether every step kept the promise (used by the unit tests). */
    static boolean keepsAServingHostWithRole(List<String> hosts, List<Step> steps, Duration restoreTime) {
        Map<String, HostModel> model = new LinkedHashMap<>();
        hosts.forEach(h -> model.put(h, new HostModel()));
        for (Step step : steps) {
            long now = step.at().toMillis();
            apply(model.get(step.host()), step.action(), now, restoreTime.toMillis());
            if (model.values().stream().noneMatch(h -> h.serving(now) && h.role)) {
                return false;
            }
        }
        return true;
    }
}
