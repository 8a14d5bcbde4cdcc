package dev.pgqrs;

/** The pgqrs schema is missing, too old, or inconsistent; run {@code admin().install()}. */
public class SchemaException extends PgqrsException {

    public SchemaException(String message) {
        super(message);
    }

    public SchemaException(String message, Throwable cause) {
        super(message, cause);
    }
}
