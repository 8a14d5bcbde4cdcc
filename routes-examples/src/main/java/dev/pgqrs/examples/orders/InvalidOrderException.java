package dev.pgqrs.examples.orders;

/** An order that cannot be accepted as sent: the message says which field is wrong and why. */
public class InvalidOrderException extends RuntimeException {

    public InvalidOrderException(String message) {
        super(message);
    }
}
