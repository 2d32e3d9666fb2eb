package io.imagelib.ilctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class IlctlCommandLineTest {

    /** Every command path, e.g. [endpoint, list]. */
    static Stream<List<String>> everyCommand() {
        List<List<String>> paths = new ArrayList<>();
        collect(Ilctl.commandLine(), new ArrayList<>(), paths);
        return paths.stream();
    }

    private static void collect(CommandLine command, List<String> path, List<List<String>> into) {
        into.add(List.copyOf(path));
        command.getSubcommands().forEach((name, sub) -> {
            List<String> next = new ArrayList<>(path);
            next.add(name);
            collect(sub, next, into);
        });
    }

    @ParameterizedTest
    @MethodSource("everyCommand")
    void everyCommandHasHelpWithExitCodesAndLeafCommandsHaveExamples(List<String> path) {
        List<String> args = new ArrayList<>(path);
        args.add("--help");

        IlctlRun run = IlctlRun.of(args.toArray(String[]::new));

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("Usage: ilctl").contains("Exit codes:", "2    a service refused");
        if (leaf(path)) {
            assertThat(run.out()).as("examples of " + path).contains("Examples:");
        }
    }

    private static boolean leaf(List<String> path) {
        CommandLine command = Ilctl.commandLine();
        for (String name : path) {
            command = command.getSubcommands().get(name);
        }
        return command.getSubcommands().isEmpty() && !path.isEmpty();
    }

    @Test
    void simulatedHostsCannotAlsoBeRealOnesAndNothingStarts() {
        IlctlRun run = IlctlRun.of("up", "--simulated", "--install-glance", "--dir", "target/never-started");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("--simulated excludes --real-glance and --install-glance", "Try 'ilctl up --help'.");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void anUnknownOptionIsAUsageErrorWithAHint() {
        IlctlRun run = IlctlRun.of("endpoint", "list", "--colour");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("Unknown option: '--colour'", "Try 'ilctl endpoint list --help'.");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void aMissingSubcommandIsAUsageError() {
        IlctlRun run = IlctlRun.of("role");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("Missing required subcommand");
    }

    @Test
    void aBadEnumValueNamesTheValidOnes() {
        IlctlRun run = IlctlRun.of("endpoint", "list", "-f", "xml");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("table, json, yaml, value");
    }

    @Test
    void theInterfaceOptionTakesTheOpenStackNamesIncludingPublic() {
        IlctlRun run = IlctlRun.of("endpoint", "list", "--interface", "private", "--endpoint-url", "http://127.0.0.1:1");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("admin, public, internal");
    }

    @Test
    void endpointSetNeedsAUrlAndAnId() {
        assertThat(IlctlRun.of("endpoint", "set", "abc").exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(IlctlRun.of("endpoint", "set", "--url", "http://h:9494").err()).contains("Missing required parameter: 'ID'");
    }

    @Test
    void aBadDurationIsAUsageError() {
        IlctlRun run = IlctlRun.of("events", "tail", "host-health", "--timeout", "soon");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("'soon' is not a duration");
    }

    @Test
    void versionPrintsAndExitsZero() {
        assertThat(IlctlRun.of("--version").out()).startsWith("ilctl ");
    }

    @Test
    void completionScriptCoversCommandsOptionsAndValues() {
        IlctlRun run = IlctlRun.of("completion");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("complete -F _complete_ilctl", "(endpoint list)", "'--interface'",
                "(\"admin\" \"public\" \"internal\")", "\"host-health\"", "(\"table\" \"json\" \"yaml\" \"value\")");
    }
}
