package dev.pgqrs.store.postgres;

/**
 * Identifiers (schema and channel names) as they must be written into PostgreSQL SQL and
 * connection properties: double-quoted, so mixed case and '$' are kept instead of being folded to
 * lower case, the way pgqrs (Rust) sets its search_path. Values are never written this way: they
 * are bound as parameters.
 */
public final class PostgresIdentifiers {

    private PostgresIdentifiers() {
    }

    /** {@code "name"}, with any double quote doubled (schema names are validated not to have one). */
    public static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
