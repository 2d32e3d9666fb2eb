package io.imagelib.deploy.local;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Command lines for child JVMs: the JDK running this code, a bounded heap, and JDK 23+ warnings silenced. */
public final class JavaCommand {

    private JavaCommand() {
    }

    /** The java launcher of the JDK running this code (which may not be the one on PATH). */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static List<String> of(String maxHeap, List<String> rest) {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.add("-Xmx" + maxHeap);
        command.add("-Djava.awt.headless=true");
        // Kafka and Netty still touch sun.misc.Unsafe and load agents; JDK 23+ warns about both on every start.
        command.add("-XX:+EnableDynamicAgentLoading");
        if (Runtime.version().feature() >= 23) {
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        command.addAll(rest);
        return command;
    }
}
