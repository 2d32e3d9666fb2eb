package io.imagelib.ilctl.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.imagelib.deploy.local.Lifetime;
import io.imagelib.deploy.local.ServiceModule;
import io.imagelib.deploy.local.StackProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real processes: pid files are only believed for the process that still carries its marker. */
class StackProcessTest {

    @TempDir
    Path dir;

    private StackProcess process;

    @AfterEach
    void cleanUp() {
        if (process != null) {
            process.stop(Duration.ofSeconds(1));
        }
    }

    private List<String> sleeper(String marker) {
        // $0 of bash -c is the marker: an argument of the process for as long as it runs.
        return List.of("bash", "-c", "trap 'exit 0' TERM; sleep 60 & wait", marker);
    }

    @Test
    void startsDetachedRecordsThePidAndStopsIt() {
        StackLayout layout = new StackLayout(dir);
        process = layout.process("host-1");
        String marker = layout.jvmMarker("host-1");

        ProcessHandle started = process.start(sleeper(marker), marker, Map.of(), dir, Lifetime.DETACHED);

        assertThat(process.running()).map(ProcessHandle::pid).contains(started.pid());
        assertThat(process.pidFile()).hasContent(started.pid() + "\n" + marker);
        assertThat(process.stop(Duration.ofSeconds(5))).isTrue();
        assertThat(started.isAlive()).isFalse();
        assertThat(process.pidFile()).doesNotExist();
        assertThat(process.stop(Duration.ofSeconds(1))).as("nothing left to stop").isFalse();
    }

    @Test
    void aPidWhoseProcessLacksTheMarkerIsNeverOurs() throws Exception {
        StackLayout layout = new StackLayout(dir);
        process = layout.process("host-1");
        String marker = layout.jvmMarker("host-1");
        ProcessHandle started = process.start(sleeper(marker), marker, Map.of(), dir, Lifetime.DETACHED);
        StackProcess impostor = layout.process("host-10");
        Files.createDirectories(impostor.pidFile().getParent());
        // host-10's pid file names host-1's PID, as after PID reuse: the marker of host-10 is not among its arguments.
        impostor.record(started.pid(), layout.jvmMarker("host-10"));

        assertThat(impostor.running()).isEmpty();
        assertThat(impostor.stop(Duration.ofSeconds(1))).isFalse();
        assertThat(started.isAlive()).as("never signalled").isTrue();
    }

    /** The kernel shows an execing process without arguments for a moment; a poll then must not call it gone. */
    @Test
    void aProcessPolledWhileItExecsIsStillRunning() {
        StackLayout layout = new StackLayout(dir);
        process = layout.process("host-1");
        String marker = layout.jvmMarker("host-1");
        // env execs python3 right after its own exec, as `ip netns exec` execs glance-api: two exec windows to hit.
        List<String> command = List.of("env", "python3", "-c", "import time; time.sleep(60)", marker);
        for (int round = 0; round < 200; round++) {
            ProcessHandle started = process.start(command, marker, Map.of(), dir, Lifetime.TIED_TO_THIS_JVM);
            assertThat(process.running()).as("round %d", round).map(ProcessHandle::pid).contains(started.pid());
            process.kill();
        }
    }

    @Test
    void aCommandWithoutItsMarkerIsRefused() {
        StackLayout layout = new StackLayout(dir);
        StackProcess unmarked = layout.process("x");

        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> unmarked.start(List.of("sleep", "1"), "-Dilctl.component=x", Map.of(), dir, Lifetime.DETACHED));
    }

    @Test
    void theConfigSurvivesARoundTripAndOffsetsEveryPort() {
        StackConfig config = new StackConfig(1000, 2, "SJC", StackConfig.GlanceMode.simulated);
        config.save(dir.resolve("stack.properties"));

        StackConfig loaded = StackConfig.load(dir.resolve("stack.properties")).orElseThrow();

        assertThat(loaded).isEqualTo(config);
        assertThat(loaded.kafkaPort()).isEqualTo(10092);
        assertThat(loaded.registryUrl()).isEqualTo("http://127.0.0.1:9081/apis/ccompat/v7");
        assertThat(loaded.serviceUrl(ServiceModule.ROUTER)).isEqualTo("http://127.0.0.1:10292");
        assertThat(loaded.glanceHosts()).containsExactly(new GlanceHost("host-1", 10301, true), new GlanceHost("host-2", 10302, true));
        assertThat(StackConfig.load(dir.resolve("absent"))).isEmpty();
    }

    @Test
    void replicasSurviveTheRoundTripAndInstanceNListensOnThePortPlus100TimesNMinus1() {
        StackConfig config = new StackConfig(1000, 2, "SJC", StackConfig.GlanceMode.simulated, 3);
        config.save(dir.resolve("stack.properties"));

        StackConfig loaded = StackConfig.load(dir.resolve("stack.properties")).orElseThrow();

        assertThat(loaded).isEqualTo(config);
        assertThat(loaded.serviceUrl(ServiceModule.ROLE, 2)).isEqualTo("http://127.0.0.1:9190");
        assertThat(loaded.serviceUrls(ServiceModule.ROUTER)).isEqualTo("http://127.0.0.1:10292,http://127.0.0.1:10392,http://127.0.0.1:10492");
        assertThat(ServiceModule.ROUTER.instanceName(1)).isEqualTo("image-router-service");
        assertThat(ServiceModule.ROUTER.instanceName(3)).isEqualTo("image-router-service-3");
    }

    @Test
    void aStateFileWrittenBeforeReplicasMeansOneOfEach() throws Exception {
        Files.writeString(dir.resolve("stack.properties"), "port-offset=0\nhosts=3\nregion=RegionOne\nglance=simulated\n");

        assertThat(StackConfig.load(dir.resolve("stack.properties")).orElseThrow().replicas()).isEqualTo(1);
        assertThatIllegalArgumentException().isThrownBy(() -> new StackConfig(0, 3, "RegionOne", StackConfig.GlanceMode.simulated, 6))
                .withMessageContaining("--replicas takes 1 to 5");
    }
}
