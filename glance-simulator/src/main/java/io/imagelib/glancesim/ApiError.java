package io.imagelib.glancesim;

/** A Glance-style error answer: the HTTP status and the message Glance would put in its body. */
final class ApiError extends RuntimeException {

    private final int status;

    ApiError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }
}
