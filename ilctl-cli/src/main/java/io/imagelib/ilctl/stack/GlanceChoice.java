package io.imagelib.ilctl.stack;

import java.util.List;
import java.util.Optional;

/**
 * Which Glance hosts {@code up} runs: real glance-api whenever this machine has it, the simulator only when asked
 * ({@code --simulated}) or when Glance is missing, and then it says so in one line with the way to real hosts.
 * Without a flag, {@code up} over a running stack keeps its kind, so repeating {@code up} is always safe.
 *
 * @param mode   real or simulated
 * @param notice the line to print before starting, if any
 */
public record GlanceChoice(StackConfig.GlanceMode mode, Optional<String> notice) {

    /**
     * @param simulated    {@code --simulated}
     * @param realRequired {@code --real-glance} or {@code --install-glance}: fail rather than fall back (never with simulated)
     * @param running      the mode of the stack already running in the directory, if any: without a flag, up keeps it
     * @param missing      packages real hosts need that the machine lacks ({@link RealGlance#missingPackages()})
     * @throws IllegalArgumentException when real hosts are required but cannot run
     */
    public static GlanceChoice of(boolean simulated, boolean realRequired, Optional<StackConfig.GlanceMode> running, List<String> missing) {
        if (simulated) {
            return new GlanceChoice(StackConfig.GlanceMode.simulated, Optional.empty());
        }
        if (!realRequired && running.isPresent()) {
            return new GlanceChoice(running.get(), running.get() == StackConfig.GlanceMode.simulated
                    ? Optional.of("Glance hosts are SIMULATED, as in the running stack (ilctl down, then ilctl up, for real ones)")
                    : Optional.empty());
        }
        if (missing.isEmpty()) {
            return new GlanceChoice(StackConfig.GlanceMode.real, Optional.empty());
        }
        if (realRequired) {
            throw new IllegalArgumentException("--real-glance needs " + String.join(", ", missing)
                    + ", not installed here: add --install-glance to install them with apt-get (root, ~1 min)");
        }
        return new GlanceChoice(StackConfig.GlanceMode.simulated, Optional.of("Glance hosts will be SIMULATED (glance-simulator): "
                + String.join(", ", missing) + " not installed. For real Glance hosts, as root: ./ilctl up --install-glance"));
    }
}
