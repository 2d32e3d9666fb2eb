package io.imagelib.ilctl;

/** A failure with the exit code it maps to and a message a person can act on (printed on stderr, no stack trace). */
public class IlctlException extends RuntimeException {

    private final int exitCode;

    public IlctlException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public IlctlException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    public static IlctlException unreachable(String what, Throwable cause) {
        return new IlctlException(ExitCode.UNREACHABLE, what + " is unreachable: " + describe(cause), cause);
    }

    public static IlctlException stack(String message) {
        return new IlctlException(ExitCode.STACK_FAILED, message);
    }

    public static IlctlException timedOut(String message) {
        return new IlctlException(ExitCode.TIMED_OUT, message);
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : " (" + message + ")");
    }
}
