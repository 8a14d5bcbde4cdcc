package dev.pgqrs;

/**
 * Root of every error pgqrs throws. Unchecked, so callers catch what they can act on and let the
 * rest propagate; messages say what was wrong and, where there is one, what to do about it.
 */
public class PgqrsException extends RuntimeException {

    public PgqrsException(String message) {
        super(message);
    }

    public PgqrsException(String message, Throwable cause) {
        super(message, cause);
    }
}
