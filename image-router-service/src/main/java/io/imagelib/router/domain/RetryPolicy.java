package io.imagelib.router.domain;

/**
 * Whether a failed attempt may be sent to the next host. Only failures before any response byte reached the client
 * are considered here. A request that may have reached Glance is only replayed when a replay cannot create a
 * second resource: reads, and image creation with a client-supplied id (a 409 on the replay means our first
 * attempt created it).
 */
public final class RetryPolicy {

    /** How an attempt failed. */
    public enum Failure {
        /** The connection was refused or could not be made: the request never reached Glance. */
        REFUSED,
        /** Glance answered 503 (it did not process the request), or any 5xx to a read ({@link #hostFailed}). */
        UNAVAILABLE,
        /** The connection broke or timed out after the request was sent, with no answer. */
        LOST_AFTER_SEND
    }

    private RetryPolicy() {
    }

    /**
     * Whether an answer with this status counts as the host failing the request rather than as Glance's answer to
     * it. A 503 means Glance did not process the request, whatever it was. Any other 5xx to a read (500, 502, 504)
     * is taken as the host's failure too: a read changes nothing, and a host whose database connections ran out
     * answers 500 while the others serve ("too many clients already" in a system test under load).
     */
    public static boolean hostFailed(ImageOperation operation, int status) {
        return status == 503 || (operation.isRead() && status >= 500 && status <= 599);
    }

    /**
     * @param bodyReplayable false once bytes of a streamed request body were consumed: they cannot be sent again
     * @param clientImageId  a create request that names its image id
     */
    public static boolean mayRetry(ImageOperation operation, Failure failure, boolean bodyReplayable, boolean clientImageId) {
        if (!bodyReplayable) {
            return false;
        }
        if (failure == Failure.REFUSED || operation.isRead()) {
            return true;
        }
        if (operation == ImageOperation.CREATE) {
            return clientImageId;
        }
        return failure == Failure.UNAVAILABLE;
    }
}
