package io.imagelib.ilctl.command;

import io.imagelib.ilctl.ExitCode;
import io.imagelib.ilctl.IlctlException;
import io.imagelib.ilctl.stack.GlanceLauncher;
import io.imagelib.ilctl.stack.Project;
import io.imagelib.ilctl.stack.RealGlance;
import io.imagelib.ilctl.stack.SimulatedGlance;
import io.imagelib.ilctl.stack.StackConfig;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** The README's run command: the whole system on this machine. */
@Command(name = "up", description = {
        "Start the whole system locally (Kafka, registry, services, Glance hosts) and assign the roles.",
        "Build what is missing, then start the local stack: a single-node KRaft Kafka, the Apicurio schema registry, "
                + "role-service, endpoint-service, host-monitor-service, image-router-service and N Glance hosts "
                + "sharing one data directory; assign the image-library role to each host and wait for an admin endpoint.",
        "By default the hosts are the glance-simulator and every line says SIMULATED. --real-glance runs the "
                + "Debian glance-api instead (--install-glance installs it with PostgreSQL first); that path is "
                + "experimental: the system tests run real Glance, but ilctl's real-Glance stack is not yet verified "
                + "end to end.",
        "Safe to repeat: running components are kept (matched by PID and command line), only stopped ones start."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  ./ilctl up                          # 3 simulated hosts, state in .imagelib/",
                "  ./ilctl up --real-glance            # real glance-api hosts (experimental)",
                "  ./ilctl up --install-glance         # apt-get glance-api + postgresql first (root, ~1 min)",
                "  ./ilctl up --dir /tmp/il2 --port-offset 1000   # a second stack: Kafka 10092, role-service 9090, ..."})
public final class UpCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    StackOptions stackOptions;

    @Option(names = "--hosts", paramLabel = "N", defaultValue = "3", description = "Number of Glance hosts (default ${DEFAULT-VALUE}).")
    int hosts;

    @Option(names = "--simulated", description = "Use the glance-simulator (the default; kept for scripts).")
    boolean simulated;

    @Option(names = "--real-glance", description = "Run the installed Debian glance-api as hosts (experimental).")
    boolean realGlance;

    @Option(names = "--install-glance", description = "Install glance-api and PostgreSQL with apt-get first (root; recipe in docs/ilctl.md).")
    boolean installGlance;

    @Option(names = "--region", paramLabel = "REGION", defaultValue = "${env:ILCTL_REGION:-RegionOne}",
            description = "Region of the hosts (default ${DEFAULT-VALUE}).")
    String region;

    @Option(names = "--port-offset", paramLabel = "N", defaultValue = "0",
            description = "Added to every default port (Kafka 9092, registry 8081, services 8090-8092 and 9292, hosts 9301+).")
    int portOffset;

    @Override
    public Integer call() {
        if (simulated && (installGlance || realGlance)) {
            throw new ParameterException(spec.commandLine(), "--simulated excludes --real-glance and --install-glance");
        }
        PrintWriter out = spec.commandLine().getOut();
        Project project = Project.locate();
        if (installGlance) {
            RealGlance.install(stackOptions.layout(), out);
        }
        boolean real = realGlance || installGlance;
        if (real && !RealGlance.installed()) {
            throw new ParameterException(spec.commandLine(),
                    "--real-glance needs /usr/bin/glance-api: add --install-glance to install it (root)");
        }
        if (!real && !simulated) {
            out.println("The hosts will be SIMULATED Glance (./ilctl up --real-glance runs the installed glance-api)");
        }
        StackConfig config;
        try {
            config = new StackConfig(portOffset, hosts, region, real ? StackConfig.GlanceMode.real : StackConfig.GlanceMode.simulated);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        GlanceLauncher glance = real ? new RealGlance() : new SimulatedGlance(project);
        List<String> missing = stackOptions.stack().up(config, glance);
        if (!missing.isEmpty()) {
            throw new IlctlException(ExitCode.STACK_FAILED, "Stack is up WITHOUT " + missing
                    + ": these modules are not in this checkout yet; everything else runs (ilctl status).");
        }
        return ExitCode.OK;
    }
}
