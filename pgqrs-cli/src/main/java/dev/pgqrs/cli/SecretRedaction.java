package dev.pgqrs.cli;

import dev.pgqrs.config.Dsn;

import java.util.function.UnaryOperator;

/**
 * Keeps a DSN's password out of what the command prints: the DSN as typed becomes its redacted form (the
 * engine's, {@code postgres://app:***@db/app}), and the password itself, wherever quoted, becomes {@code ***}.
 */
final class SecretRedaction implements UnaryOperator<String> {

    private final String dsn;
    private final String redactedDsn;
    private final String password;

    private SecretRedaction(String dsn, String redactedDsn, String password) {
        this.dsn = dsn;
        this.redactedDsn = redactedDsn;
        this.password = password;
    }

    static SecretRedaction of(String dsn) {
        if (dsn == null || dsn.isBlank()) {
            return new SecretRedaction(null, null, null);
        }
        String redacted;
        String password = null;
        try {
            Dsn parsed = Dsn.parse(dsn);
            redacted = parsed.toString();
            password = parsed.password();
        } catch (RuntimeException e) {
            redacted = "(the DSN given)"; // one that does not parse is not repeated at all
        }
        return new SecretRedaction(dsn, redacted, password == null || password.isEmpty() ? null : password);
    }

    @Override
    public String apply(String text) {
        if (text == null) {
            return null;
        }
        String out = Dsn.redactParameters(text);
        if (dsn != null) {
            out = out.replace(dsn, redactedDsn);
        }
        if (password != null) {
            out = out.replace(password, "***");
        }
        return out;
    }
}
