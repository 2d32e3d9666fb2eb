package io.imagelib.ilctl.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imagelib.deploy.local.Lifetime;
import io.imagelib.deploy.local.StackProcess;
import io.imagelib.ilctl.ExitCode;
import io.imagelib.ilctl.IlctlException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpRefusalTest {

    @TempDir
    Path dir;

    /** A checkout with nothing in it: if up went past its check it would fail at the build, starting nothing. */
    @TempDir
    Path emptyCheckout;

    @Test
    void upWithOtherSettingsOverARunningStackIsRefusedBeforeStartingAnything() {
        StackLayout layout = new StackLayout(dir);
        new StackConfig(1000, 1, "RegionOne", StackConfig.GlanceMode.simulated).save(layout.stateFile());
        StackProcess host = layout.process("host-1");
        String marker = layout.jvmMarker("host-1");
        host.start(List.of("bash", "-c", "trap 'exit 0' TERM; sleep 60 & wait", marker), marker, Map.of(), dir, Lifetime.DETACHED);
        LocalStack stack = new LocalStack(new Project(emptyCheckout), layout, new PrintWriter(new StringWriter()));
        StackConfig other = new StackConfig(2000, 1, "RegionOne", StackConfig.GlanceMode.simulated);
        try {
            assertThatThrownBy(() -> stack.up(other, new SimulatedGlance(new Project(emptyCheckout))))
                    .isInstanceOf(IlctlException.class)
                    .hasMessageContaining("runs with StackConfig[portOffset=1000")
                    .hasMessageContaining("ilctl down --dir " + layout.dir())
                    .extracting(e -> ((IlctlException) e).exitCode()).isEqualTo(ExitCode.STACK_FAILED);
            assertThat(StackConfig.load(layout.stateFile()).orElseThrow().portOffset()).isEqualTo(1000);
            assertThat(Files.exists(layout.kafkaDir())).isFalse();
        } finally {
            host.stop(Duration.ofSeconds(5));
        }
    }
}
