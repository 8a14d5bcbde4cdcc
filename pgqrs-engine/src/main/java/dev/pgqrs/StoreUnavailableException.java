package dev.pgqrs;

/**
 * The database could not be reached or dropped the connection. The operation was not applied (a
 * transaction that could not commit is rolled back by the database), so it is safe to retry.
 */
public class StoreUnavailableException extends PgqrsException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
