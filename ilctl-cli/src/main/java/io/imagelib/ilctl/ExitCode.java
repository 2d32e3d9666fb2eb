package io.imagelib.ilctl;

/**
 * Exit codes scripts can rely on. The numbers are part of ilctl's interface: never renumber, only add.
 */
public final class ExitCode {

    /** The command did what was asked. */
    public static final int OK = 0;
    /** The command line was wrong (unknown option, missing argument, bad value); usage is printed on stderr. */
    public static final int USAGE = 1;
    /** A service answered but refused (HTTP 4xx/5xx); its problem+json title and detail are printed on stderr. */
    public static final int REFUSED = 2;
    /** A service, Kafka or the registry could not be reached (connection refused, timeout). */
    public static final int UNREACHABLE = 3;
    /** The local stack could not be built or started, a component is missing, or `status` found one not running. */
    public static final int STACK_FAILED = 4;
    /** Waited for something (an admin endpoint, records with --max) and the --timeout passed first. */
    public static final int TIMED_OUT = 5;
    /** An unexpected error: a bug in ilctl; the stack trace is printed on stderr. */
    public static final int INTERNAL = 70;

    private ExitCode() {
    }
}
