package io.imagelib.systemtests;

import io.imagelib.avro.HealthStatus;
import io.imagelib.schemas.topics.Topics;
import io.imagelib.systemtests.FaultSchedule.Action;
import io.imagelib.systemtests.FaultSchedule.Step;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Plays a {@link FaultSchedule} on the real bed: Glance faults through {@link GlanceHosts}, role changes through the
 * role-service API, operator admin sets through the endpoint-service API. A step runs at its time or, when an
 * earlier one overran, right after it.
 *
 * <p>Restores run in the background (a killed Glance takes 10-20 s to come back) and are awaited, host healthy and
 * UP on host-health, before a later step that the schedule planned with that host serving again, so the
 * schedule's promise (one serving host with the role at all times) holds on the real bed too. A role assignment
 * likewise waits for the host's UP event.
 */
public final class FaultDriver {

    /** A step as played: when it started and ended (System.nanoTime) and what came back. */
    public record Played(Step step, long startNanos, long endNanos, String result) {
        @Override
        public String toString() {
            return "%s -> %s (%d ms)".formatted(step, result, (endNanos - startNanos) / 1_000_000);
        }
    }

    private record PendingRestore(CompletableFuture<String> done, Duration readyBy) {
    }

    private final GlanceHosts glance;
    private final ServiceStack stack;
    private final EventLog events;
    private final Path sharedDir;
    private final Duration restoreTime;
    private final Map<String, PendingRestore> restores = new HashMap<>();
    private final Set<String> withoutRole = new HashSet<>();
    private final List<Played> played = new ArrayList<>();

    public FaultDriver(GlanceHosts glance, ServiceStack stack, EventLog events, Path sharedDir, Duration restoreTime) {
        this.glance = glance;
        this.stack = stack;
        this.events = events;
        this.sharedDir = sharedDir;
        this.restoreTime = restoreTime;
    }

    /** Plays every step; returns them as played, restores included (their result is filled in when they end). */
    public List<Played> play(List<Step> steps) {
        long start = System.nanoTime();
        for (Step step : steps) {
            GlanceHosts.sleep(Duration.ofNanos(Math.max(0, start + step.at().toNanos() - System.nanoTime())));
            awaitRestoresDueBy(step);
            long t0 = System.nanoTime();
            String result = execute(step);
            played.add(new Played(step, t0, System.nanoTime(), result));
            GlanceHosts.report("chaos %s -> %s", step, result);
        }
        List.copyOf(restores.keySet()).forEach(this::awaitRestore);
        return List.copyOf(played);
    }

    /** Undoes whatever the schedule left: every host restored and healthy, every removed role assigned again. */
    public void restoreAll() throws Exception {
        for (GlanceHosts.Host host : glance.hosts()) {
            glance.restore(host);
        }
        for (String hostId : List.copyOf(withoutRole)) {
            assignAndAwaitUp(Scenarios.host(glance, hostId));
        }
    }

    private void awaitRestoresDueBy(Step step) {
        List.copyOf(restores.entrySet()).forEach(e -> {
            if (e.getKey().equals(step.host()) || e.getValue().readyBy().compareTo(step.at()) <= 0) {
                awaitRestore(e.getKey());
            }
        });
    }

    private void awaitRestore(String host) {
        PendingRestore pending = restores.remove(host);
        if (pending != null) {
            String result = pending.done().join();
            GlanceHosts.report("chaos restore of %s finished: %s", host, result);
        }
    }

    private String execute(Step step) {
        GlanceHosts.Host host = Scenarios.host(glance, step.host());
        try {
            return switch (step.action()) {
                case KILL -> {
                    glance.kill(host);
                    yield "killed";
                }
                case HANG -> {
                    glance.hang(host);
                    yield "link down";
                }
                case DRAIN -> {
                    glance.drain(host);
                    yield "disable file written";
                }
                case RESTORE -> {
                    boolean hasRole = !withoutRole.contains(host.id());
                    restores.put(host.id(), new PendingRestore(CompletableFuture.supplyAsync(() -> restore(host, hasRole),
                            Thread::startVirtualThread), step.at().plus(restoreTime)));
                    yield "restore started";
                }
                case REMOVE_ROLE -> {
                    int status = stack.removeRole(Scenarios.REGION, host);
                    if (status == 204) {
                        withoutRole.add(host.id());
                    }
                    yield "DELETE role " + status;
                }
                case ASSIGN_ROLE -> assignAndAwaitUp(host);
                case SET_ADMIN -> "PATCH admin endpoint " + stack.setAdmin(Scenarios.REGION, host);
            };
        } catch (Exception e) {
            return "error " + e;
        }
    }

    private String restore(GlanceHosts.Host host, boolean hasRole) {
        try {
            Duration took = glance.restore(host);
            if (!hasRole) {
                return "healthy after " + took.toMillis() + " ms (no role: no UP event expected)";
            }
            return "healthy after " + took.toMillis() + " ms, " + awaitUp(host);
        } catch (RuntimeException e) {
            return "restore failed: " + e;
        }
    }

    private String assignAndAwaitUp(GlanceHosts.Host host) throws Exception {
        int status = stack.assignRole(Scenarios.REGION, host, sharedDir);
        if (status != 200 && status != 201) {
            return "PUT role " + status;
        }
        withoutRole.remove(host.id());
        return "PUT role " + status + ", " + awaitUp(host);
    }

    /**
     * Until the host's latest host-health record says UP (a role removal tombstones it, so a re-assigned host
     * waits for a fresh probe); the router only sends requests to UP hosts.
     */
    private String awaitUp(GlanceHosts.Host host) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (events.latest(Topics.HOST_HEALTH, host.id()).map(h -> h.getStatus() == HealthStatus.UP).orElse(false)) {
                return "UP on host-health";
            }
            GlanceHosts.sleep(Duration.ofMillis(20));
        }
        return "NOT UP on host-health within 30 s";
    }

    /** Steps of {@code kinds} played within [fromNanos, toNanos]. */
    public static List<Played> within(List<Played> played, long fromNanos, long toNanos, Set<Action> kinds) {
        return played.stream().filter(p -> kinds.contains(p.step().action()))
                .filter(p -> p.startNanos() >= fromNanos && p.startNanos() <= toNanos).toList();
    }
}
