package io.imagelib.ilctl;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One ilctl invocation in this JVM with stdout and stderr captured. */
public record IlctlRun(int exitCode, String out, String err) {

    public static IlctlRun of(String... args) {
        CommandLine cli = Ilctl.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new IlctlRun(exit, out.toString(), err.toString());
    }
}
