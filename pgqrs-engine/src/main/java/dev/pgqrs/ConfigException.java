package dev.pgqrs;

/** Configuration that cannot be used: the message names the key (or DSN) and the bad value. */
public class ConfigException extends PgqrsException {

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
