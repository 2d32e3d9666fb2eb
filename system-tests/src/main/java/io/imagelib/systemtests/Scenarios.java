package io.imagelib.systemtests;

import io.imagelib.avro.AdminEndpoint;
import io.imagelib.avro.HealthStatus;
import io.imagelib.avro.HostHealth;
import io.imagelib.schemas.topics.Topics;
import java.time.Duration;
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

    private Scenarios() {
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

    /** The DOWN event for {@code host} that arrived after {@code sinceNanos}. */
    public static EventLog.Event awaitDown(EventLog events, GlanceHosts.Host host, long sinceNanos) {
        return events.await(Topics.HOST_HEALTH, sinceNanos, status(host, HealthStatus.DOWN), Duration.ofSeconds(10))
                .orElseThrow(() -> new IllegalStateException("No DOWN event for " + host.id() + " within 10 s"));
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
        EventLog.Event newAdmin = events.await(Topics.ADMIN_ENDPOINT, killed, e -> e.value() instanceof AdminEndpoint a
                        && !a.getHostId().equals(admin.id()) && a.getEpoch() > epoch, Duration.ofSeconds(10))
                .orElseThrow(() -> new IllegalStateException("No new admin within 10 s of killing " + admin.id()));
        byte[] bytes = new byte[256 * 1024];
        new Random(killed).nextBytes(bytes);
        long deadline = killed + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                String id = viaRouter.createAndUpload(stack.router(), "after-admin-kill", bytes);
                long uploaded = System.nanoTime();
                if (!viaRouter.downloadSha256(stack.router(), id).equals(GlanceClient.sha256Hex(bytes))) {
                    throw new IllegalStateException("Image " + id + " uploaded after the admin kill downloads corrupted");
                }
                return new AdminFailover(((AdminEndpoint) newAdmin.value()).getHostId(), Duration.ofNanos(down.receivedNanos() - killed),
                        exclusion, Duration.ofNanos(newAdmin.receivedNanos() - killed), Duration.ofNanos(uploaded - killed));
            } catch (java.io.IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("No upload through the router succeeded within 20 s of the admin kill", notYet);
                }
                GlanceHosts.sleep(Duration.ofMillis(20));
            }
        }
    }
}
