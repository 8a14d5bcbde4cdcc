package dev.pgqrs;

import java.util.regex.Pattern;

/**
 * The rules for names pgqrs stores or uses as identifiers, those of pgqrs (Rust) wherever it has one.
 *
 * <p><b>Queue and workflow names</b> are values: they are bound as statement parameters everywhere
 * (NOTIFY payloads carry queue ids, not names), so any string the database can store faithfully is
 * a name, compared exactly ({@code orders:eu}, {@code my queue}, {@code commandes-été}, and
 * {@code Orders} ≠ {@code orders}). Refused are only: the empty name, NUL (PostgreSQL cannot store
 * it), other control characters (they would forge log lines), lone UTF-16 surrogates (not Unicode,
 * so not stored as given), and names over {@value #MAX_NAME_LENGTH} characters: PostgreSQL keeps
 * workflow names in {@code varchar(255)}, and a workflow's queue has its name.
 *
 * <p><b>PostgreSQL schema names</b> are identifiers: an ASCII letter or {@code _}, then ASCII
 * letters, digits, {@code _} or {@code $}, at most 63 bytes, as pgqrs (Rust) checks them. They are
 * always written quoted, so they are case-sensitive ({@code MyApp} ≠ {@code myapp}).
 */
public final class Names {

    /** Longest queue or workflow name, in characters (code points). */
    public static final int MAX_NAME_LENGTH = 255;
    /** Longest PostgreSQL identifier, in bytes (schema names are ASCII, so also characters). */
    public static final int MAX_SCHEMA_NAME_LENGTH = 63;
    private static final int SHOWN = 40;
    private static final Pattern SCHEMA_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");

    private Names() {
    }

    /** Returns the name if it can be a queue name, else throws naming the rule it broke. */
    public static String requireQueueName(String name) {
        return requireName("queue", name);
    }

    /** Workflow names follow the queue rules: every workflow owns a queue of the same name. */
    public static String requireWorkflowName(String name) {
        return requireName("workflow", name);
    }

    public static String requireSchemaName(String name) {
        if (name == null || name.isEmpty()) {
            throw new ConfigException("schema name must not be empty (the default is 'public')");
        }
        if (!SCHEMA_NAME.matcher(name).matches()) {
            throw new ConfigException("invalid schema name '" + display(name) + "': the first character must be an ASCII "
                    + "letter or '_', the others ASCII letters, digits, '_' or '$' (case is kept: the name is quoted)");
        }
        if (name.length() > MAX_SCHEMA_NAME_LENGTH) {
            throw new ConfigException("invalid schema name '" + display(name) + "': " + name.length()
                    + " bytes, more than PostgreSQL's limit of " + MAX_SCHEMA_NAME_LENGTH);
        }
        return name;
    }

    private static String requireName(String kind, String name) {
        return requireText(kind + " name", name,
                " (PostgreSQL keeps workflow names in varchar(255), and a workflow's queue has its name)");
    }

    /**
     * Returns the key if it can be a key pgqrs stores (a message's deduplication key, a source name or
     * partition, an idempotency scope or key): the rules of queue names, at most {@value #MAX_NAME_LENGTH}
     * characters ({@code varchar(255)} on PostgreSQL); {@code what} names it in errors.
     */
    public static String requireKey(String what, String key) {
        return requireText(what, key, " (the column is varchar(255))");
    }

    private static String requireText(String what, String name, String lengthReason) {
        if (name == null) {
            throw new InvalidNameException(what + " must not be null");
        }
        if (name.isEmpty()) {
            throw new InvalidNameException(what + " must not be empty");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == 0) {
                throw new InvalidNameException("invalid " + what + " '" + display(name) + "': it contains a NUL "
                        + "character (\\u0000) at index " + i + ", which PostgreSQL cannot store");
            }
            if (Character.isISOControl(c)) {
                throw new InvalidNameException("invalid " + what + " '" + display(name) + "': it contains the control "
                        + "character " + escape(c) + " at index " + i + "; control characters are refused in " + what + "s "
                        + "(they would break log lines and URIs)");
            }
            if (Character.isHighSurrogate(c) && i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new InvalidNameException("invalid " + what + " '" + display(name) + "': it contains a lone UTF-16 "
                        + "surrogate (" + escape(c) + ") at index " + i + ", which is not valid Unicode");
            }
        }
        int length = name.codePointCount(0, name.length());
        if (length > MAX_NAME_LENGTH) {
            throw new InvalidNameException("invalid " + what + " '" + display(name) + "': " + length
                    + " characters, more than the limit of " + MAX_NAME_LENGTH
                    + lengthReason);
        }
        return name;
    }

    /** The name as an error message shows it: control characters and lone surrogates escaped, long names cut. */
    static String display(String name) {
        StringBuilder out = new StringBuilder();
        int shown = Math.min(name.length(), SHOWN);
        if (shown < name.length() && Character.isHighSurrogate(name.charAt(shown - 1))) {
            shown--; // keep a surrogate pair whole
        }
        for (int i = 0; i < shown; i++) {
            char c = name.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1));
            if (pair) {
                out.append(c).append(name.charAt(++i));
            } else if (Character.isISOControl(c) || Character.isSurrogate(c)) {
                out.append(escape(c));
            } else {
                out.append(c);
            }
        }
        return shown < name.length() ? out.append('…').toString() : out.toString();
    }

    private static String escape(char c) {
        return String.format("\\u%04x", (int) c);
    }
}
