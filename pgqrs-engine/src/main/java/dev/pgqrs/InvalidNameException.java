package dev.pgqrs;

/** A queue, workflow, step or schema name that pgqrs refuses to store or use as an identifier. */
public class InvalidNameException extends PgqrsException {

    public InvalidNameException(String message) {
        super(message);
    }
}
