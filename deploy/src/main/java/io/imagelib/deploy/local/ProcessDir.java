package io.imagelib.deploy.local;

import java.nio.file.Path;

/**
 * Where a stack keeps its processes, under one directory: {@code pids/NAME.pid} (the PID and the argument that makes
 * it ours, see {@link StackProcess}), {@code logs/NAME.log}, and a service's working and state directory
 * {@code state/NAME/}. ilctl's state directory and a system test's stack directory alike.
 */
public record ProcessDir(Path dir) {

    public Path pids() {
        return dir.resolve("pids");
    }

    public Path logs() {
        return dir.resolve("logs");
    }

    public StackProcess process(String name) {
        return new StackProcess(name, pids().resolve(name + ".pid"), logs().resolve(name + ".log"));
    }

    /** The JVM argument that marks a JVM as this component of this directory (named by ilctl, which used it first). */
    public String jvmMarker(String name) {
        return "-Dilctl.component=" + dir.resolve(name);
    }

    /** A service's working directory and IMAGELIB_STATE_DIR (Kafka Streams state; two instances never share one). */
    public Path stateDir(String name) {
        return dir.resolve("state").resolve(name);
    }
}
