package io.imagelib.ilctl.stack;

import java.io.PrintWriter;
import java.util.Optional;

/** Starts the Glance hosts of the stack: real glance-api processes or the simulator. */
public interface GlanceLauncher {

    /** Module whose jar must be built first, if any. */
    Optional<String> module();

    /** Starts each host not yet running over the one shared data directory and waits for its /healthcheck. */
    void start(StackConfig config, StackLayout layout, PrintWriter out);
}
