package dev.pgqrs.testing;

import java.util.Locale;

/** The backends every conformance test runs against. */
public enum BackendKind {
    POSTGRES,
    SQLITE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
