package io.imagelib.ilctl.command;

import io.imagelib.ilctl.ExitCode;
import io.imagelib.ilctl.output.Table;
import io.imagelib.ilctl.stack.ComponentStatus;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** What the local stack runs, and whether each part answers. */
@Command(name = "status", description = {
        "Show each component of the local stack: PID, address, state, health.",
        "Each component of the local stack with PID, address, state and health (readiness for services, "
                + "/healthcheck for Glance hosts, which say 'simulated Glance' when they are the simulator).",
        "Exit 0 when every component runs and is ready, 4 otherwise."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  ./ilctl status",
                "  +----------------------+----------------------+-------+---------------------------------------+---------+--------+",
                "  | Component            | Kind                 | PID   | Address                               | State   | Health |",
                "  +----------------------+----------------------+-------+---------------------------------------+---------+--------+",
                "  | kafka                | Kafka broker (KRaft) | 41022 | 127.0.0.1:9092                        | running | ready  |",
                "  | host-1               | simulated Glance     | 41388 | http://127.0.0.1:9301                 | running | ready  |",
                "  +----------------------+----------------------+-------+---------------------------------------+---------+--------+",
                "  ./ilctl status -f value -c Component -c State   # for scripts"})
public final class StatusCommand implements Callable<Integer> {

    @Mixin
    StackOptions stackOptions;

    @Mixin
    FormatOptions output;

    @Override
    public Integer call() {
        List<ComponentStatus> components = stackOptions.stack().status();
        output.print(new Table(ComponentStatus.COLUMNS, components.stream().map(ComponentStatus::row).toList()));
        return components.stream().allMatch(ComponentStatus::healthy) ? ExitCode.OK : ExitCode.STACK_FAILED;
    }
}
