package dev.pgqrs.bridge;

/** A reason the bridge cannot start that the operator fixes from the message alone (a taken port, a bad setting). */
public final class BridgeStartupException extends RuntimeException {

    public BridgeStartupException(String message) {
        super(message);
    }
}
