package io.imagelib.role.kafka;

/** A write reached a replica that is not (or, fenced, no longer) the writer; nothing was published. */
public final class NotWriterException extends RuntimeException {

    public NotWriterException(String message) {
        super(message);
    }
}
