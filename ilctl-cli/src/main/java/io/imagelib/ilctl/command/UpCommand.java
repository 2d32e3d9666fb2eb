package io.imagelib.ilctl.command;

import io.imagelib.ilctl.ExitCode;
import io.imagelib.ilctl.IlctlException;
import io.imagelib.ilctl.stack.GlanceChoice;
import io.imagelib.ilctl.stack.GlanceLauncher;
import io.imagelib.ilctl.stack.LocalStack;
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
        "Start the whole system locally (Kafka, registry, services, Glance hosts, Keystone) and assign the roles.",
        "Build what is missing, then start the local stack: a single-node KRaft Kafka, the Apicurio schema registry, "
                + "role-service, endpoint-service, host-monitor-service, image-router-service and N Glance hosts "
                + "sharing one data directory; assign the image-library role to each host and wait for an admin endpoint.",
        "With real Glance also the OpenStack slice: a real Keystone (DIR/keystone) whose catalog lists glance public and "
                + "internal at the router and admin at the admin host (kept current by catalog-sync, started too); the "
                + "hosts validate tokens against it; DIR/openrc and DIR/clouds.yaml are written for the openstack and "
                + "glance clients. up ends by printing the client commands that work in the mode it started.",
        "The hosts are real Debian glance-api processes whenever glance-api, postgresql and python3-psycopg2 are "
                + "installed (and keystone, the openstack and glance clients): one private PostgreSQL cluster "
                + "(DIR/postgres) is their shared database. Without them up "
                + "says so in one line and runs the glance-simulator, labelled SIMULATED everywhere. "
                + "--install-glance installs them with apt-get first (root); --simulated forces the simulator; "
                + "--real-glance fails instead of falling back.",
        "Safe to repeat: running components are kept (matched by PID and command line), only stopped ones start, "
                + "so running up again restarts a stopped or killed host."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  ./ilctl up                          # 3 hosts: real glance-api if installed, else simulated; state in .imagelib/",
                "  ./ilctl up --install-glance         # as root: apt-get glance-api, postgresql, keystone, clients (~3 min), then real hosts",
                "  ./ilctl up --simulated              # the glance-simulator even where Glance is installed",
                "  ./ilctl up --replicas 2             # two of every service: role-service 8090 and 8190, ..., routers 9292 and 9392",
                "  ./ilctl up --dir /tmp/il2 --port-offset 1000   # a second stack: Kafka 10092, role-service 9090, ..."})
public final class UpCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    StackOptions stackOptions;

    @Option(names = "--hosts", paramLabel = "N", defaultValue = "3", description = "Number of Glance hosts (default ${DEFAULT-VALUE}).")
    int hosts;

    @Option(names = "--simulated", description = "Run the glance-simulator even where glance-api is installed.")
    boolean simulated;

    @Option(names = "--real-glance", description = "Require real glance-api hosts: fail (exit 1) instead of falling back to simulated ones.")
    boolean realGlance;

    @Option(names = "--install-glance", description = "Install glance-api, python3-psycopg2, postgresql, keystone and the openstack/glance clients with apt-get first (as root; recipe in docs/ilctl.md).")
    boolean installGlance;

    @Option(names = "--region", paramLabel = "REGION", defaultValue = "${env:ILCTL_REGION:-RegionOne}",
            description = "Region of the hosts (default ${DEFAULT-VALUE}).")
    String region;

    @Option(names = "--replicas", paramLabel = "N", defaultValue = "1",
            description = "Instances of every service (default ${DEFAULT-VALUE}, at most 5): instance n listens on its port + 100 x (n - 1) "
                    + "(router 2 on 9392) and is named <service>-n; up prints every router and the client list.")
    int replicas;

    @Option(names = "--port-offset", paramLabel = "N", defaultValue = "0",
            description = "Added to every default port (Kafka 9092, registry 8081, services 8090-8093 and 9292, hosts 9301+, Keystone 5000, PostgreSQL 5433).")
    int portOffset;

    @Override
    public Integer call() {
        if (simulated && (installGlance || realGlance)) {
            throw new ParameterException(spec.commandLine(), "--simulated excludes --real-glance and --install-glance");
        }
        PrintWriter out = spec.commandLine().getOut();
        Project project = Project.locate();
        LocalStack stack = stackOptions.stack();
        if (installGlance) {
            RealGlance.install(stackOptions.layout(), out);
        }
        GlanceChoice choice;
        try {
            choice = GlanceChoice.of(simulated, realGlance || installGlance,
                    stack.running().map(StackConfig::glance), RealGlance.missingPackages());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        choice.notice().ifPresent(out::println);
        StackConfig config;
        try {
            config = new StackConfig(portOffset, hosts, region, choice.mode(), replicas);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        GlanceLauncher glance = choice.mode() == StackConfig.GlanceMode.real ? new RealGlance(project) : new SimulatedGlance(project);
        List<String> missing = stack.up(config, glance);
        if (!missing.isEmpty()) {
            throw new IlctlException(ExitCode.STACK_FAILED, "Stack is up WITHOUT " + missing
                    + ": these modules are not in this checkout yet; everything else runs (ilctl status).");
        }
        return ExitCode.OK;
    }
}
