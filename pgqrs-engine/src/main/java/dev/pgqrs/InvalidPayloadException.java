package dev.pgqrs;

/**
 * A payload that is not JSON, not a JSON object, or breaks a validation limit. For a batch the
 * message names the index of the first bad payload, and nothing of the batch was enqueued.
 */
public class InvalidPayloadException extends PgqrsException {

    public InvalidPayloadException(String message) {
        super(message);
    }

    public InvalidPayloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
