package dev.pgqrs;

/** A schedule that cannot be stored: a bad cron expression or time zone, a bad policy bound. The message names it. */
public class InvalidScheduleException extends PgqrsException {

    public InvalidScheduleException(String message) {
        super(message);
    }

    public InvalidScheduleException(String message, Throwable cause) {
        super(message, cause);
    }
}
