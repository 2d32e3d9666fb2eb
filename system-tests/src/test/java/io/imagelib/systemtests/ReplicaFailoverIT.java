package io.imagelib.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import io.imagelib.avro.AdminEndpoint;
import io.imagelib.avro.HealthStatus;
import io.imagelib.avro.HostHealth;
import io.imagelib.deploy.local.Shell;
import io.imagelib.schemas.topics.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 19 item 2: two instances of every service (the local-stack library, as {@code ilctl up --replicas 2}) in
 * front of 3 real Glance hosts, under steady downloads and uploads from a client that knows both routers. One
 * instance of every service (the one doing the work the admin's failover needs) is killed -9 in turn; while it is
 * down the Glance admin host is killed twice: 0.5 s after the instance, during the hand-over of its work (measured,
 * reported), and once the survivor owns that work (the new admin must be published within 2 s). Skipped like
 * {@link ServicesFailoverIT} where a service jar is missing.
 *
 * <p>Run by hand ({@code -Dimagelib.systemtests.replicas=true}), not in CI: it takes 8.5-13 min, and it passed in
 * runs 10-13 (docs/benchmarks/2026-12-07-replicas.md; run 9 had one failover of 2.1 s at load 46).
 */
@EnabledIfSystemProperty(named = "imagelib.systemtests.replicas", matches = "true",
        disabledReason = "run by hand with -Dimagelib.systemtests.replicas=true (8.5-13 min, not yet in CI)")
class ReplicaFailoverIT {

    @RegisterExtension
    static final GlanceTestBed BED = new GlanceTestBed(3).skippedWhen(ServicesFailoverIT::missingServices);

    static final int REPLICAS = 2;
    static final Duration ADMIN_FAILOVER_BUDGET = Duration.ofSeconds(2);
    /** The Glance admin dies this long after the service instance: inside the hand-over, whatever the session timeout. */
    static final Duration HAND_OVER_ADMIN_DELAY = Duration.ofMillis(500);
    /**
     * The consumer group in which a service's instances share its work: a killed member keeps its share until the
     * group's session timeout (service-support's group session, 3 s; the role lease's 6 s) ends it, then the survivor owns everything. The routers share nothing (each
     * reads the whole topics), so losing one needs no hand-over.
     */
    static final Map<String, String> WORK_GROUP = Map.of(
            "role-service", "role-service-writer",
            "endpoint-service", "endpoint-service",
            "host-monitor-service", "host-monitor");

    static ServiceStack stack;
    static EventLog events;
    static Admin kafka;
    static GlanceClient client;
    static String imageId;
    static String sha256;

    @BeforeAll
    static void startTwoOfEveryServiceAndAssignTheRoles() throws Exception {
        stack = ServiceStack.start(ServicesFailoverIT.PROJECT_ROOT, Path.of("target/system/replicas").toAbsolutePath(),
                ServiceStack.Options.defaults().withReplicas(REPLICAS));
        kafka = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()));
        Scenarios.Prepared prepared = Scenarios.assignRolesAndUpload(BED.glance(), stack);
        events = prepared.events();
        imageId = prepared.imageId();
        sha256 = prepared.sha256();
        client = Scenarios.routerClient().acrossRouters(stack.routers());
    }

    @AfterAll
    static void stopServices() {
        if (kafka != null) {
            kafka.close();
        }
        if (events != null) {
            events.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    /**
     * One service instance's loss: the admin failover during the hand-over (the Glance admin killed
     * {@link #HAND_OVER_ADMIN_DELAY} after the instance), how long until the survivor owned the instance's work, and
     * the admin failover after that.
     */
    record Loss(String instance, Sample duringHandOver, Duration takeover, Sample afterHandOver) {
        @Override
        public String toString() {
            return "%s killed: during the hand-over %s; survivor owns the work after %d ms; after the hand-over %s"
                    .formatted(instance, duringHandOver, takeover.toMillis(), afterHandOver);
        }
    }

    /** One kill of the Glance admin and its failover, with where the time went. */
    record Sample(String killedAdmin, Scenarios.AdminFailover failover, FailoverChain chain, String loadAverage) {
        Duration published() {
            return failover.newAdminPublished();
        }

        @Override
        public String toString() {
            return ("admin %s killed -> DOWN %d ms, router exclusion +%d ms, new admin %s published %d ms (%s), upload ok %d ms; "
                    + "load %s").formatted(killedAdmin, failover.downEvent().toMillis(), failover.routerExclusion().toMillis(),
                    failover.newAdmin(), failover.newAdminPublished().toMillis(), chain, failover.uploadOk().toMillis(), loadAverage);
        }
    }

    /**
     * Where a failover's time went, from the records' own wall-clock stamps (one machine, one clock): the monitor's
     * DOWN decision ({@code observedAt}), its arrival here, the election's decision ({@code changedAt}) and the
     * committed admin record's arrival here, each counted from the kill.
     */
    record FailoverChain(Duration downDecided, Duration downArrived, Duration adminDecided, Duration adminArrived) {
        static FailoverChain of(String killedAdmin, long epochBefore, Scenarios.AdminFailover failover) {
            EventLog.Event admin = events.all(Topics.ADMIN_ENDPOINT, Scenarios.REGION).stream()
                    .filter(e -> ((AdminEndpoint) e.value()).getEpoch() > epochBefore).findFirst().orElseThrow();
            long killedNanos = admin.receivedNanos() - failover.newAdminPublished().toNanos();
            EventLog.Event down = events.all(Topics.HOST_HEALTH, killedAdmin).stream()
                    .filter(e -> e.receivedNanos() >= killedNanos && e.value() != null
                            && ((HostHealth) e.value()).getStatus() == HealthStatus.DOWN).findFirst().orElseThrow();
            Instant killedAt = Instant.now().minusNanos(System.nanoTime() - killedNanos);
            return new FailoverChain(Duration.between(killedAt, ((HostHealth) down.value()).getObservedAt()),
                    failover.downEvent(), Duration.between(killedAt, ((AdminEndpoint) admin.value()).getChangedAt()),
                    failover.newAdminPublished());
        }

        @Override
        public String toString() {
            return "DOWN decided %d, arrived %d; admin decided %d, arrived %d ms".formatted(downDecided.toMillis(),
                    downArrived.toMillis(), adminDecided.toMillis(), adminArrived.toMillis());
        }
    }

    @Test
    void killingOneInstanceOfEveryServiceInTurnFailsNoClientRequestAndAdminFailoverStaysWithinTwoSeconds() throws Exception {
        Scenarios.awaitRouterCount(stack, BED.glance().hosts().size(), Duration.ofSeconds(60));
        long start = System.nanoTime();
        DownloadLoad.Running downloads = new DownloadLoad(client, 4).start(stack.router(), imageId, sha256, Duration.ofMinutes(15));
        UploadLoad uploads = UploadLoad.start(client, stack.router(), 2, 128 * 1024, 19);
        List<Loss> losses = new ArrayList<>();
        try {
            for (String service : ServiceStack.SERVICES) {
                losses.add(loseOneInstance(service, !service.equals(ServiceStack.SERVICES.getLast())));
            }
        } finally {
            downloads.stop();
        }
        DownloadLoad.Result downloaded = downloads.await(start);
        List<UploadLoad.Upload> uploaded = uploads.stop(Duration.ofSeconds(90));

        List<UploadLoad.Upload> failedUploads = uploaded.stream().filter(UploadLoad.Upload::failed).toList();
        List<Duration> during = losses.stream().map(l -> l.duringHandOver().published()).toList();
        List<Duration> after = losses.stream().map(l -> l.afterHandOver().published()).toList();
        losses.forEach(l -> GlanceHosts.report("replicas: %s", l));
        report("during the hand-over", during);
        report("after the hand-over", after);
        GlanceHosts.report("replicas: %d downloads (%d failed) %s, %d uploads (%d failed) %s over %d s; client retries on the "
                        + "other router by cause %s; load %s", downloaded.total(), downloaded.failed(), downloaded.sampleErrors(),
                uploaded.size(), failedUploads.size(), failedUploads.stream().map(UploadLoad.Upload::error).distinct().limit(3).toList(),
                (System.nanoTime() - start) / 1_000_000_000, client.retries(), loadAverage());

        assertThat(losses).hasSize(ServiceStack.SERVICES.size());
        assertThat(after).as("kill of the Glance admin once the survivor owns the work -> new admin published, one sample "
                + "per lost instance").allMatch(d -> d.compareTo(ADMIN_FAILOVER_BUDGET) <= 0);
        assertThat(downloaded.total()).isGreaterThan(100);
        assertThat(downloaded.failed()).as("failed downloads; first errors: %s", downloaded.sampleErrors()).isZero();
        assertThat(uploaded.size()).isGreaterThan(20);
        assertThat(failedUploads).as("failed uploads").isEmpty();
        // Every 10th upload read back through the routers: active, and the bytes that were sent.
        for (int i = 0; i < uploaded.size(); i += 10) {
            UploadLoad.Upload u = uploaded.get(i);
            assertThat(client.status(stack.router(), u.imageId())).as("status of %s", u.imageId()).isEqualTo("active");
            assertThat(client.downloadSha256(stack.router(), u.imageId())).as("content of %s", u.imageId()).isEqualTo(u.sha256());
        }
    }

    private static void report(String when, List<Duration> published) {
        Percentiles p = Percentiles.ofDurations(published);
        GlanceHosts.report("replicas: %s, kill -> new admin published, samples %s ms: p50 %.0f ms, p99 (= max) %.0f ms",
                when, published.stream().map(Duration::toMillis).toList(), p.p50(), p.p99());
    }

    /**
     * kill -9 of the service's instance doing the failover's work ({@link #workOwner}) and, {@link #HAND_OVER_ADMIN_DELAY}
     * later, of the Glance admin host: the
     * failover during the hand-over. Once the survivor owns the instance's work and that host is back, the new admin
     * host is killed too: the failover after the hand-over. Then, unless this was the last loss ({@code restore}
     * false: nothing follows that needs them; it saves a host and a JVM start), the hosts restored and the instance
     * restarted, and the group whole again before the next service.
     */
    private static Loss loseOneInstance(String service, boolean restore) throws Exception {
        String victim = workOwner(service, events.latest(Topics.ADMIN_ENDPOINT, Scenarios.REGION).orElseThrow().getHostId());
        String survivor = stack.instances(service).stream().filter(i -> !i.equals(victim)).findFirst().orElseThrow();
        Optional<String> group = Optional.ofNullable(WORK_GROUP.get(service));
        long killed = System.nanoTime();
        stack.kill(victim);
        CompletableFuture<Duration> takeover = CompletableFuture.supplyAsync(() -> {
            group.ifPresent(g -> awaitMembers(g, REPLICAS - 1));
            if (service.equals("role-service")) {
                awaitRoleWriter(survivor);
            }
            return Duration.ofNanos(System.nanoTime() - killed);
        });
        GlanceHosts.sleep(HAND_OVER_ADMIN_DELAY.minusNanos(System.nanoTime() - killed));
        Sample during = adminFailover();
        Duration ownsTheWork = takeover.get(60, TimeUnit.SECONDS);

        // One after the other: a glance-api start alone took 47 s at load 45, and beside a JVM start it missed its 60 s.
        BED.glance().restore(Scenarios.host(BED.glance(), during.killedAdmin()));
        Sample after = adminFailover();
        Loss loss = new Loss(victim, during, ownsTheWork, after);
        GlanceHosts.report("replicas: %s", loss);

        if (!restore) {
            return loss;
        }
        BED.glance().restore(Scenarios.host(BED.glance(), after.killedAdmin()));
        GlanceHosts.report("replicas: %s restarted, ready %d ms after its launch", victim, stack.restart(victim).launchToReady().toMillis());
        group.ifPresent(g -> awaitMembers(g, REPLICAS));
        Scenarios.awaitRouterCount(stack, BED.glance().hosts().size(), Duration.ofSeconds(60));
        return loss;
    }

    /**
     * The instance whose loss stalls the failover of {@code adminHost}: the monitor that published its latest health
     * record (it probes the host), the endpoint-service instance running the region's election task, the role writer.
     * The routers share no work: the first.
     */
    private static String workOwner(String service, String adminHost) {
        List<String> instances = stack.instances(service);
        return switch (service) {
            case "host-monitor-service" -> {
                // Instance n publishes as <service>-n (ServiceFleet's IMAGELIB_KAFKA_INSTANCE_ID).
                String monitor = events.latest(Topics.HOST_HEALTH, adminHost).orElseThrow().getMonitorId();
                yield instances.get(Integer.parseInt(monitor.substring(monitor.lastIndexOf('-') + 1)) - 1);
            }
            case "endpoint-service" -> electionOwner(instances);
            case "role-service" -> instances.stream().filter(ReplicaFailoverIT::isRoleWriter).findFirst().orElseThrow();
            default -> instances.getFirst();
        };
    }

    /**
     * The election task of the region reads the endpoint-commands partition of the region's key (the repartition topic
     * is co-partitioned with it, ElectionTopology). Its member's client id starts with the Streams client's own id,
     * with which only that instance's log prefixes its stream thread's lines.
     */
    private static String electionOwner(List<String> instances) {
        try {
            int partitions = kafka.describeTopics(List.of(Topics.ENDPOINT_COMMANDS_NAME)).allTopicNames().get()
                    .get(Topics.ENDPOINT_COMMANDS_NAME).partitions().size();
            var partition = new TopicPartition(Topics.ENDPOINT_COMMANDS_NAME, KafkaReplicas.partitionOf(Scenarios.REGION, partitions));
            String clientId = kafka.describeConsumerGroups(List.of(WORK_GROUP.get("endpoint-service"))).all().get().values()
                    .iterator().next().members().stream().filter(m -> m.assignment().topicPartitions().contains(partition))
                    .findFirst().orElseThrow(() -> new IllegalStateException("No endpoint-service member reads " + partition))
                    .clientId();
            // Only the owner prefixes its own lines with it; a group leader's log lists the other members' ids too.
            String ownLines = "stream-thread [" + clientId.substring(0, clientId.indexOf("-StreamThread")) + "-StreamThread-";
            return instances.stream().filter(i -> log(i).contains(ownLines)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("No endpoint-service log starts lines with " + ownLines));
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot find the election task's owner", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    /** kill -9 of the current Glance admin host and the failover that follows. */
    private static Sample adminFailover() throws Exception {
        String load = loadAverage();
        AdminEndpoint before = events.latest(Topics.ADMIN_ENDPOINT, Scenarios.REGION).orElseThrow();
        GlanceHosts.Host admin = Scenarios.host(BED.glance(), before.getHostId());
        Scenarios.AdminFailover failover = Scenarios.adminFailover(BED.glance(), stack, events, client, admin, before.getEpoch());
        return new Sample(admin.id(), failover, FailoverChain.of(admin.id(), before.getEpoch(), failover), load);
    }

    /**
     * The role-service survivor owns the work once it holds the writer lease, which it takes after the group is stable
     * with it alone: a new transactional producer, InitProducerId and an admin client, 1.2-1.6 s at load 46-55 (runs 8
     * and 9 killed the Glance admin during that and were the slow samples). Its log says so.
     */
    private static void awaitRoleWriter(String instance) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!isRoleWriter(instance)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(instance + " did not become the role writer within 60 s");
            }
            GlanceHosts.sleep(Duration.ofMillis(20));
        }
    }

    private static boolean isRoleWriter(String instance) {
        String log = log(instance);
        return log.lastIndexOf("is the role writer") > log.lastIndexOf("stopped being the role writer");
    }

    private static String log(String instance) {
        try {
            return new String(Files.readAllBytes(stack.log(instance)), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Polls the group until it is stable with {@code count} members (a dead one leaves at its session timeout). */
    private static void awaitMembers(String group, int count) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            ConsumerGroupDescription description;
            try {
                description = kafka.describeConsumerGroups(List.of(group)).describedGroups().get(group).get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("Cannot describe group " + group, e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted", e);
            }
            if (description.groupState() == GroupState.STABLE && description.members().size() == count) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Group " + group + " is " + description.groupState() + " with "
                        + description.members().size() + " members, not stable with " + count + ", after 60 s");
            }
            GlanceHosts.sleep(Duration.ofMillis(20));
        }
    }

    private static String loadAverage() {
        return Shell.run("cat", "/proc/loadavg").strip();
    }
}
