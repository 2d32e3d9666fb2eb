package io.imagelib.ilctl.stack;

import io.imagelib.deploy.local.Readiness;
import io.imagelib.deploy.local.StackProcess;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Starting the hosts of either kind: skip the running ones, start the others, then wait for their /healthcheck. */
final class GlanceHosts {

    /** How one kind of host is started, detached, in the Glance directory. */
    interface Launch {
        ProcessHandle start(GlanceHost host, StackProcess process);
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
            ProcessHandle handle = launch.start(host, process);
            out.printf("  %-22s %-40s %s, started (PID %d)%n", host.name(), host.url(), host.kind(), handle.pid());
            started.add(host);
        }
        out.flush();
        for (GlanceHost host : started) {
            Readiness.await(layout.process(host.name()), host.url() + "/healthcheck", readyTimeout);
        }
    }
}
