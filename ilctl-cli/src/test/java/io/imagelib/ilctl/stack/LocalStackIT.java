package io.imagelib.ilctl.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.imagelib.deploy.local.ServiceModule;
import io.imagelib.ilctl.ExitCode;
import io.imagelib.ilctl.IlctlRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole system for real, as a user runs it: {@code ilctl up} with simulated Glance hosts (real Kafka, real
 * Apicurio registry, the four service jars), the admin host killed with SIGKILL, the new admin seen through
 * {@code ilctl endpoint list}, then {@code ilctl down} leaving no process. One stack for the class; tests in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalStackIT {

    /** Far from the conventional ports, so a developer's stack (or another engineer's tests) can run alongside. */
    private static final int PORT_OFFSET = 21000;
    private static final Path DIR = Path.of("target", "it-stack").toAbsolutePath();
    private static final StackConfig CONFIG = new StackConfig(PORT_OFFSET, 3, "RegionOne", StackConfig.GlanceMode.simulated);
    private static final StackUnderTest STACK = new StackUnderTest(DIR, CONFIG);

    private static final List<Long> pidsBeforeDown = new ArrayList<>();
    private static String upOutput;

    @BeforeAll
    static void upTheStack() throws IOException {
        Project project = Project.locate();
        for (ServiceModule service : ServiceModule.values()) {
            assumeThat(project.hasModule(service.module())).as(service.module() + " is not in this checkout").isTrue();
        }
        StackUnderTest.deleteRecursively(DIR);
        IlctlRun up = IlctlRun.of(STACK.args("up", "--hosts", "3", "--simulated"));
        upOutput = up.out();
        System.out.println(up.out());
        System.err.println(up.err());
        assertThat(up.exitCode()).as(up.err()).isZero();
    }

    @AfterAll
    static void downTheStack() {
        if (Files.isDirectory(DIR)) {
            IlctlRun.of(STACK.args("down"));
        }
    }

    private static String[] kafka(String... command) {
        List<String> all = new ArrayList<>(Arrays.asList(command));
        all.addAll(List.of("--bootstrap", CONFIG.bootstrapServers(), "--registry", CONFIG.registryUrl()));
        return all.toArray(String[]::new);
    }

    @Test
    @Order(1)
    void upLabelsTheSimulatedHostsAndPrintsTheEndpointTable() {
        assertThat(upOutput).contains("Glance hosts (SIMULATED)", "simulated Glance, started", "(host-3, the last host given the role)");
        assertThat(upOutput).contains("| ID ", "| Region ", "| Service Name | Service Type | Enabled | Interface |");
        IlctlRun status = IlctlRun.of(STACK.args("status", "-f", "value", "-c", "Component", "-c", "Kind", "-c", "State", "-c", "Health"));
        assertThat(status.exitCode()).as(status.out()).isZero();
        assertThat(status.out()).contains("host-1 simulated Glance running ready", "role-service service running ready",
                "kafka Kafka broker (KRaft) running ready", "registry Apicurio registry running ready");
    }

    @Test
    @Order(2)
    void upTwiceKeepsWhatRuns() {
        List<Long> before = STACK.recordedPids();

        IlctlRun again = IlctlRun.of(STACK.args("up", "--hosts", "3", "--simulated"));

        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out()).contains("already running").doesNotContain("started (PID");
        assertThat(STACK.recordedPids()).containsExactlyInAnyOrderElementsOf(before);
    }

    @Test
    @Order(3)
    void rolesAndHostsAreListed() {
        IlctlRun roles = IlctlRun.of(STACK.service("role", "list", "-f", "value", "-c", "Host ID"));
        assertThat(roles.exitCode()).as(roles.err()).isZero();
        assertThat(roles.out().lines()).containsExactly("host-1", "host-2", "host-3");

        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            IlctlRun hosts = IlctlRun.of(kafka("host", "list", "-f", "value", "-c", "Host", "-c", "Status"));
            assertThat(hosts.exitCode()).as(hosts.err()).isZero();
            assertThat(hosts.out().lines()).containsExactly("host-1 UP", "host-2 UP", "host-3 UP");
        });
    }

    @Test
    @Order(4)
    void killingTheAdminHostMovesTheAdminEndpointToASurvivor() {
        String admin = STACK.adminUrl().orElseThrow();
        GlanceHost adminHost = CONFIG.glanceHosts().stream().filter(h -> h.url().equals(admin)).findFirst().orElseThrow();
        ProcessHandle process = new StackLayout(DIR).process(adminHost.name()).running().orElseThrow();

        process.destroyForcibly();

        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> STACK.adminUrl().filter(url -> !url.equals(admin)).isPresent());
        String newAdmin = STACK.adminUrl().orElseThrow();
        assertThat(CONFIG.glanceHosts()).extracting(GlanceHost::url).contains(newAdmin);
        IlctlRun table = IlctlRun.of(STACK.service("endpoint", "list", "--service", "glance", "--interface", "admin"));
        System.out.println(table.out());
        assertThat(table.out()).contains("| glance       | image        | True    | admin     | " + newAdmin);
        IlctlRun status = IlctlRun.of(STACK.args("status"));
        assertThat(status.exitCode()).isEqualTo(ExitCode.STACK_FAILED);
        assertThat(status.out()).containsPattern("\\| " + adminHost.name() + " +\\| simulated Glance +\\| +\\| \\S+ +\\| stopped");
    }

    @Test
    @Order(5)
    void eventsTailShowsTheAdminHistoryDecoded() {
        IlctlRun tail = IlctlRun.of(kafka("events", "tail", "admin-endpoint", "--from-beginning", "--timeout", "5s"));

        assertThat(tail.exitCode()).as(tail.err()).isZero();
        assertThat(tail.out().lines().count()).isGreaterThanOrEqualTo(2);
        assertThat(tail.out()).contains("\"topic\":\"imagelib.admin-endpoint\"", "\"key\":\"RegionOne\"", "\"hostId\":\"host-");

        IlctlRun typo = IlctlRun.of(kafka("events", "tail", "host-helth", "--timeout", "1s"));
        assertThat(typo.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(typo.err()).contains("has no topic imagelib.host-helth", "imagelib.host-health");
    }

    @Test
    @Order(6)
    void downStopsEveryProcessItStartedAndOnlyThose() {
        pidsBeforeDown.addAll(STACK.recordedPids());
        assertThat(pidsBeforeDown).hasSizeGreaterThanOrEqualTo(8); // kafka, registry, 4 services, 2 surviving hosts

        IlctlRun down = IlctlRun.of(STACK.args("down"));

        assertThat(down.exitCode()).as(down.err()).isZero();
        assertThat(down.out()).contains("stopped role-service", "stopped kafka", "stopped registry", "stopped host-");
        assertThat(pidsBeforeDown).allSatisfy(pid ->
                assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("PID " + pid).isEmpty());
        assertThat(IlctlRun.of(STACK.args("down")).out()).contains("Nothing was running");
    }

}
