package io.imagelib.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * The record's bytes cannot be read: not the Confluent framing (bad magic byte, shorter than the header) or a body
 * that does not decode with its writer schema. Nothing will ever read it: this, and only this, is poison.
 */
public class UndecodableRecordException extends SerializationException {

    public UndecodableRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
