package io.imagelib.systemtests;

import io.imagelib.avro.AdminEndpoint;
import io.imagelib.avro.HealthStatus;
import io.imagelib.avro.HostHealth;
import io.imagelib.schemas.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Predicate;

/** Steps shared by the service scenarios (JUnit) and the failover benchmark, so both measure the same thing. */
public final class Scenarios {

    public static final String REGION = "sys";
    /**
     * How a client tells the router which region it wants. The router documents a path prefix or a header; this
     * is the one place to change if it lands with another name.
     */
    public static final String ROUTER_REGION_HEADER = System.getProperty("imagelib.systemtests.region-header", "X-Imagelib-Region");

    /** What an admin failover took, each measured from the kill. */
    public record AdminFailover(String newAdmin, Duration downEvent, Duration routerExclusion, Duration newAdminPublished,
                                Duration uploadOk) {
    }

    /** A stack ready for faults: roles assigned, an admin elected, events followed, one image uploaded. */
    public record Prepared(EventLog events, GlanceClient viaRouter, String imageId, String sha256) {
    }

    private Scenarios() {
    }

    /**
     * Assigns the role to every host one after another, waits for an admin to be elected, then uploads a 2 MiB image through the router and checks it downloads intact.
     */
    public static Prepared assignRolesAndUpload(GlanceHosts glance, ServiceStack stack) throws Exception {
        EventLog events = EventLog.follow(stack.bootstrapServers(), stack.registryUrl(),
                List.of(Topics.HOST_HEALTH, Topics.ADMIN_ENDPOINT, Topics.HOST_ROLES));
        GlanceClient viaRouter = routerClient();
        Path shared = glance.dataDir();
        Files.writeString(shared.resolve(".imagelib-storage-id"), "ilsys-shared\n");
        for (GlanceHosts.Host host : glance.hosts()) {
            int status = stack.assignRole(REGION, host, shared);
            if (status != 200 && status != 201) {
                throw new IllegalStateException("Assigning the role to " + host.id() + " answered " + status);
            }
        }
        // Which host: the last assigned if the election sees every role and UP before deciding; on a loaded machine a
        // slow endpoint-service or a probe timeout at start can make it another. The faults only need one.
        events.await(Topics.ADMIN_ENDPOINT, 0, e -> e.value() instanceof AdminEndpoint, Duration.ofSeconds(60))
                .orElseThrow(() -> new IllegalStateException("No admin elected for " + REGION + " within 60 s of the role assignments"));
        byte[] bytes = new byte[2 * 1024 * 1024];
        new Random(11).nextBytes(bytes);
        String sha256 = GlanceClient.sha256Hex(bytes);
        String imageId = viaRouter.createAndUpload(stack.router(), "through-the-router", bytes);
        if (!viaRouter.downloadSha256(stack.router(), imageId).equals(sha256)) {
            throw new IllegalStateException("Image " + imageId + " uploaded through the router downloads corrupted");
        }
        return new Prepared(events, viaRouter, imageId, sha256);
    }

    /** The first admin published since {@code sinceNanos} on another host than {@code previousHost} above {@code aboveEpoch}. */
    public static Optional<EventLog.Event> awaitNewAdmin(EventLog events, long sinceNanos, String previousHost, long aboveEpoch,
                                                         Duration timeout) {
        return events.await(Topics.ADMIN_ENDPOINT, sinceNanos, e -> e.value() instanceof AdminEndpoint a
                && !a.getHostId().equals(previousHost) && a.getEpoch() > aboveEpoch, timeout);
    }

    /** The highest admin epoch of the region published so far (0 when none). */
    public static long maxEpoch(EventLog events) {
        return events.all(Topics.ADMIN_ENDPOINT, REGION).stream().map(EventLog.Event::value)
                .filter(AdminEndpoint.class::isInstance).mapToLong(v -> ((AdminEndpoint) v).getEpoch()).max().orElse(0);
    }

    /** The region's admin changes published since {@code sinceNanos}, e.g. "3 glance-2 FAILOVER +1234 ms", for reports. */
    public static List<String> adminChangesSince(EventLog events, long sinceNanos) {
        return events.all(Topics.ADMIN_ENDPOINT, REGION).stream()
                .filter(e -> e.receivedNanos() >= sinceNanos && e.value() instanceof AdminEndpoint)
                .map(e -> {
                    AdminEndpoint a = (AdminEndpoint) e.value();
                    return a.getEpoch() + " " + a.getHostId() + " " + a.getReason() + " +" + (e.receivedNanos() - sinceNanos) / 1_000_000 + " ms";
                }).toList();
    }

    /**
     * What is wrong with the region's admin-endpoint history, in publication order: every epoch must be higher than
     * every one before it (so no epoch is reused and never two admins share one). Empty when consistent.
     */
    public static List<String> adminHistoryViolations(EventLog events) {
        List<String> violations = new ArrayList<>();
        long highest = 0;
        for (EventLog.Event e : events.all(Topics.ADMIN_ENDPOINT, REGION)) {
            if (e.value() instanceof AdminEndpoint a) {
                if (a.getEpoch() <= highest) {
                    violations.add("epoch " + a.getEpoch() + " (" + a.getHostId() + ", " + a.getReason() + ") after epoch " + highest);
                }
                highest = Math.max(highest, a.getEpoch());
            }
        }
        return violations;
    }

    /**
     * One upload of a fresh 256 KiB image through the router, retried until {@code timeout} (the admin may still be
     * moving), then downloaded and compared by SHA-256. Returns when the upload succeeded (System.nanoTime).
     */
    public static long uploadVerified(GlanceClient viaRouter, ServiceStack stack, String name, Duration timeout) throws Exception {
        byte[] bytes = new byte[256 * 1024];
        new Random(System.nanoTime()).nextBytes(bytes);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                String id = viaRouter.createAndUpload(stack.router(), name, bytes);
                long uploaded = System.nanoTime();
                if (!viaRouter.downloadSha256(stack.router(), id).equals(GlanceClient.sha256Hex(bytes))) {
                    throw new IllegalStateException("Image " + id + " (" + name + ") downloads corrupted");
                }
                return uploaded;
            } catch (java.io.IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("No upload through the router succeeded within " + timeout, notYet);
                }
                GlanceHosts.sleep(Duration.ofMillis(20));
            }
        }
    }

    public static GlanceClient routerClient() {
        return new GlanceClient(Duration.ofSeconds(2), Duration.ofSeconds(30)).withHeader(ROUTER_REGION_HEADER, REGION);
    }

    public static GlanceHosts.Host host(GlanceHosts glance, String id) {
        return glance.hosts().stream().filter(h -> h.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalStateException("No Glance host " + id));
    }

    /** A live host that is not the current admin. */
    public static GlanceHosts.Host nonAdmin(GlanceHosts glance, EventLog events) {
        String admin = events.latest(Topics.ADMIN_ENDPOINT, REGION).map(AdminEndpoint::getHostId).orElse("");
        return glance.hosts().stream().filter(h -> !h.id().equals(admin) && h.isAlive()).findFirst()
                .orElseThrow(() -> new IllegalStateException("No live non-admin host"));
    }

    public static Predicate<EventLog.Event> status(GlanceHosts.Host host, HealthStatus status) {
        return e -> e.key().equals(host.id()) && e.value() instanceof HostHealth h && h.getStatus() == status;
    }

    /** Waits until {@code hostId} is the region's admin at an epoch above {@code aboveEpoch}. */
    public static AdminEndpoint awaitAdmin(EventLog events, String hostId, long aboveEpoch, Duration timeout) {
        return events.await(Topics.ADMIN_ENDPOINT, 0, e -> e.value() instanceof AdminEndpoint a
                        && a.getHostId().equals(hostId) && a.getEpoch() > aboveEpoch, timeout)
                .map(e -> (AdminEndpoint) e.value())
                .orElseThrow(() -> new IllegalStateException(hostId + " did not become admin of " + REGION + " within " + timeout));
    }

    /**
     * How long a failover step is waited for before the test gives up (not a budget: tests assert their own). Above the
     * hand-over of a dead host-monitor or endpoint-service instance (its group session, then the survivor's start).
     */
    static final Duration FAILOVER_WAIT = Duration.ofSeconds(20);

    /** The DOWN event for {@code host} that arrived after {@code sinceNanos}. */
    public static EventLog.Event awaitDown(EventLog events, GlanceHosts.Host host, long sinceNanos) {
        return events.await(Topics.HOST_HEALTH, sinceNanos, status(host, HealthStatus.DOWN), FAILOVER_WAIT)
                .orElseThrow(() -> new IllegalStateException("No DOWN event for " + host.id() + " within " + FAILOVER_WAIT));
    }

    /**
     * From the DOWN event's arrival here until the router's UP count for the region is {@code expectedHealthy},
     * polled every millisecond or so; zero when the router had already excluded the host.
     */
    public static Duration awaitRouterExclusion(ServiceStack stack, long downNanos, int expectedHealthy) {
        awaitRouterCount(stack, expectedHealthy, Duration.ofSeconds(10));
        return Duration.ofNanos(Math.max(0, System.nanoTime() - downNanos));
    }

    /** Polls the router's UP count for the region (about every millisecond) until it is {@code expected}. */
    public static void awaitRouterCount(ServiceStack stack, int expected, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (stack.routerHealthyHosts() != expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Router counts " + stack.routerHealthyHosts() + " UP hosts, not "
                        + expected + ", after " + timeout);
            }
            GlanceHosts.sleep(Duration.ofMillis(1));
        }
    }

    /**
     * kill -9 of the admin host; waits for its DOWN event, for the router to exclude it, for a new admin at a higher
     * epoch, and for the first upload through the router that succeeds (then checks it downloads intact).
     */
    public static AdminFailover adminFailover(GlanceHosts glance, ServiceStack stack, EventLog events, GlanceClient viaRouter,
                                              GlanceHosts.Host admin, long epoch) throws Exception {
        // Start from a router that counts every live host UP (a host restored by an earlier step may still be rising).
        int healthyBefore = (int) glance.hosts().stream().filter(GlanceHosts.Host::isAlive).count();
        awaitRouterCount(stack, healthyBefore, Duration.ofSeconds(30));
        long killed = System.nanoTime();
        glance.kill(admin);
        EventLog.Event down = awaitDown(events, admin, killed);
        Duration exclusion = awaitRouterExclusion(stack, down.receivedNanos(), healthyBefore - 1);
        EventLog.Event newAdmin = awaitNewAdmin(events, killed, admin.id(), epoch, FAILOVER_WAIT)
                .orElseThrow(() -> new IllegalStateException("No new admin within " + FAILOVER_WAIT + " of killing " + admin.id()));
        Duration uploadBudget = FAILOVER_WAIT.plusSeconds(10).minusNanos(System.nanoTime() - killed);
        long uploaded = uploadVerified(viaRouter, stack, "after-admin-kill", uploadBudget);
        return new AdminFailover(((AdminEndpoint) newAdmin.value()).getHostId(), Duration.ofNanos(down.receivedNanos() - killed),
                exclusion, Duration.ofNanos(newAdmin.receivedNanos() - killed), Duration.ofNanos(uploaded - killed));
    }
}
