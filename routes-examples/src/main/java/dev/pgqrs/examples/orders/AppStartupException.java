package dev.pgqrs.examples.orders;

/** The app cannot start for a reason its operator can fix; the message says what and how, in one line. */
public class AppStartupException extends RuntimeException {

    public AppStartupException(String message) {
        super(message);
    }
}
