package dev.pgqrs;

import java.util.regex.Pattern;

/**
 * The rules for names pgqrs stores or uses as identifiers. Queue and workflow names become NOTIFY
 * payloads, Camel URI paths and log keys, so they are kept to a portable alphabet.
 */
public final class Names {

    public static final int MAX_QUEUE_NAME_LENGTH = 128;
    private static final Pattern QUEUE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]*");
    // PostgreSQL folds unquoted identifiers to lower case and limits them to 63 bytes.
    private static final Pattern SCHEMA_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private Names() {
    }

    /** Returns the name if it is a valid queue name, else throws naming the rule it broke. */
    public static String requireQueueName(String name) {
        return requireName("queue", name);
    }

    /** Workflow names share the queue alphabet: every workflow owns a queue of the same name. */
    public static String requireWorkflowName(String name) {
        return requireName("workflow", name);
    }

    public static String requireSchemaName(String name) {
        if (name == null || !SCHEMA_NAME.matcher(name).matches()) {
            throw new ConfigException("invalid schema name '" + name
                    + "': use 1-63 lower-case letters, digits or '_', not starting with a digit");
        }
        return name;
    }

    private static String requireName(String kind, String name) {
        if (name == null || name.isEmpty()) {
            throw new InvalidNameException(kind + " name must not be empty");
        }
        if (name.length() > MAX_QUEUE_NAME_LENGTH) {
            throw new InvalidNameException("invalid " + kind + " name '" + name.substring(0, 32) + "…': longer than "
                    + MAX_QUEUE_NAME_LENGTH + " characters");
        }
        if (!QUEUE_NAME.matcher(name).matches()) {
            throw new InvalidNameException("invalid " + kind + " name '" + name
                    + "': use letters, digits, '_', '-' or '.', starting with a letter or digit");
        }
        return name;
    }
}
