package io.imagelib.ilctl.command;

import io.imagelib.ilctl.stack.LocalStack;
import io.imagelib.ilctl.stack.Project;
import io.imagelib.ilctl.stack.StackLayout;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** The state directory of the local stack. */
public final class StackOptions {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "${env:ILCTL_DIR:-.imagelib}",
            description = "State directory: data, logs, PIDs, token (env ILCTL_DIR; default ${DEFAULT-VALUE}).")
    Path dir;

    public StackLayout layout() {
        return new StackLayout(dir);
    }

    public LocalStack stack() {
        return new LocalStack(Project.locate(), layout(), mixee.commandLine().getOut());
    }
}
