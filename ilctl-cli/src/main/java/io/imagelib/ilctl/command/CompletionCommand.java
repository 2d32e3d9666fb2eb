package io.imagelib.ilctl.command;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** bash/zsh completion for every command, option and enum value, generated from the same model as --help. */
@Command(name = "completion", description = "Print a bash/zsh completion script for ilctl.",
        footerHeading = "%nExamples:%n",
        footer = {
                "  # For this shell:",
                "  source <(./ilctl completion)",
                "  # For every new bash:",
                "  ./ilctl completion > ~/.local/share/bash-completion/completions/ilctl"})
public final class CompletionCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(AutoComplete.bash("ilctl", spec.root().commandLine()));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
