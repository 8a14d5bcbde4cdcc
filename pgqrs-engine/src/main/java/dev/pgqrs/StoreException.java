package dev.pgqrs;

/** The database refused a statement for a reason other than connectivity. */
public class StoreException extends PgqrsException {

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
