package io.imagelib.ilctl.stack;

import io.imagelib.deploy.local.Lifetime;
import io.imagelib.deploy.local.StackProcess;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Starting the hosts of either kind: skip the running ones, start the others, then wait for their /healthcheck. */
final class GlanceHosts {

    /** How one kind of host is started: its command line and the argument in it that marks it as this host. */
    interface Launch {
        List<String> command(GlanceHost host);

        String marker(GlanceHost host);
    }

    private GlanceHosts() {
    }

    static void startEach(StackConfig config, StackLayout layout, PrintWriter out, Launch launch, Duration readyTimeout) {
        List<GlanceHost> started = new ArrayList<>();
        for (GlanceHost host : config.glanceHosts()) {
            StackProcess process = layout.process(host.name());
            Optional<ProcessHandle> running = process.running();
            if (running.isPresent()) {
                out.printf("  %-22s %-40s %s, already running (PID %d)%n", host.name(), host.url(), host.kind(), running.get().pid());
                continue;
            }
            ProcessHandle handle = process.start(launch.command(host), launch.marker(host), Map.of(), layout.glanceDir(),
                    Lifetime.DETACHED);
            out.printf("  %-22s %-40s %s, started (PID %d)%n", host.name(), host.url(), host.kind(), handle.pid());
            started.add(host);
        }
        out.flush();
        for (GlanceHost host : started) {
            Readiness.await(layout.process(host.name()), host.url() + "/healthcheck", readyTimeout);
        }
    }
}
