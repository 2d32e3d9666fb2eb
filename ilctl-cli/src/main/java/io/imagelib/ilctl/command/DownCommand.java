package io.imagelib.ilctl.command;

import io.imagelib.ilctl.ExitCode;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Stops exactly what up started. */
@Command(name = "down", description = {
        "Stop exactly what 'ilctl up' started.",
        "Stop every process 'ilctl up' recorded in the state directory: SIGTERM, up to 20 s (Kafka 30 s) to exit, then "
                + "SIGKILL. Only those PIDs, and only while their command line still names this directory. "
                + "Data, logs and the token stay; delete the directory to start from scratch."},
        footerHeading = "%nExamples:%n",
        footer = {"  ./ilctl down", "  ./ilctl down --dir /tmp/il2 && rm -rf /tmp/il2"})
public final class DownCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    StackOptions stackOptions;

    @Override
    public Integer call() {
        List<String> stopped = stackOptions.stack().down();
        spec.commandLine().getOut().println(stopped.isEmpty()
                ? "Nothing was running from " + stackOptions.layout().dir()
                : "Stopped " + stopped.size() + " processes of " + stackOptions.layout().dir());
        return ExitCode.OK;
    }
}
