package io.imagelib.ilctl;

import io.imagelib.ilctl.command.CompletionCommand;
import io.imagelib.ilctl.command.DltCommand;
import io.imagelib.ilctl.command.DownCommand;
import io.imagelib.ilctl.command.EndpointCommand;
import io.imagelib.ilctl.command.EventsCommand;
import io.imagelib.ilctl.command.HostCommand;
import io.imagelib.ilctl.command.RoleCommand;
import io.imagelib.ilctl.command.StatusCommand;
import io.imagelib.ilctl.command.UpCommand;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

/** The ilctl command line: operates the image library like pcdctl, and runs the whole system locally. */
@Command(name = "ilctl", scope = ScopeType.INHERIT, mixinStandardHelpOptions = true, version = "ilctl 0.1.0",
        description = "Operate the highly available image library: local stack, host roles, endpoints, events.",
        subcommands = {UpCommand.class, DownCommand.class, StatusCommand.class, RoleCommand.class, HostCommand.class,
                EndpointCommand.class, EventsCommand.class, DltCommand.class, CompletionCommand.class},
        footerHeading = "%nExamples:%n",
        footer = {
                "  ./ilctl up                       # Kafka, registry, services and 3 Glance hosts under .imagelib/",
                "  ./ilctl endpoint list --interface admin",
                "  ./ilctl events tail host-health",
                "  ./ilctl down",
                "Each command has --help with its own examples."})
public final class Ilctl {

    /** Shown under every command's --help; see {@link ExitCode}. */
    static final Map<String, String> EXIT_CODES = exitCodes();
    /** Wide enough that the examples in the footers print unwrapped. */
    private static final int USAGE_WIDTH = 140;

    private Ilctl() {
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line: stable exit codes, errors as one readable message on stderr. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(Ilctl.class);
        cli.setUsageHelpWidth(USAGE_WIDTH);
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine failed = e.getCommandLine();
            failed.getErr().println("ilctl: " + e.getMessage());
            failed.getErr().println("Try '" + failed.getCommandSpec().qualifiedName() + " --help'.");
            failed.getErr().flush();
            return ExitCode.USAGE;
        });
        cli.setExecutionExceptionHandler((e, failed, parseResult) -> {
            if (e instanceof IlctlException known) {
                failed.getErr().println("ilctl: " + known.getMessage());
                failed.getErr().flush();
                return known.exitCode();
            }
            if (e instanceof CommandLine.ParameterException usage) {
                return failed.getParameterExceptionHandler().handleParseException(usage, new String[0]);
            }
            failed.getErr().println("ilctl: unexpected error: " + e);
            e.printStackTrace(failed.getErr());
            failed.getErr().flush();
            return ExitCode.INTERNAL;
        });
        applyExitCodeHelp(cli);
        return cli;
    }

    private static void applyExitCodeHelp(CommandLine command) {
        command.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(EXIT_CODES);
        command.getSubcommands().values().forEach(Ilctl::applyExitCodeHelp);
    }

    private static Map<String, String> exitCodes() {
        Map<String, String> codes = new LinkedHashMap<>();
        codes.put(ExitCode.OK + "", "done");
        codes.put(ExitCode.USAGE + "", "wrong command line (usage on stderr)");
        codes.put(ExitCode.REFUSED + "", "a service refused; its problem detail is on stderr");
        codes.put(ExitCode.UNREACHABLE + "", "a service, Kafka or the registry did not answer");
        codes.put(ExitCode.STACK_FAILED + "", "local stack: build/start failed, component missing or not running");
        codes.put(ExitCode.TIMED_OUT + "", "--timeout passed before what was awaited happened");
        codes.put(ExitCode.INTERNAL + "", "a bug in ilctl (stack trace on stderr)");
        return codes;
    }
}
