package io.imagelib.deploy.local;

/** Whether a started process dies with the JVM that started it. */
public enum Lifetime {
    /** Tests and tools that clean up after themselves: a shutdown hook kills the process if it is still running. */
    TIED_TO_THIS_JVM,
    /** {@code start} commands: the process outlives the launcher and is stopped later through its pid file. */
    DETACHED
}
