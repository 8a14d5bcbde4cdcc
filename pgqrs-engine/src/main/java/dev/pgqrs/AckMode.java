package dev.pgqrs;

/** What acknowledging a handled message does to its row. */
public enum AckMode {
    /** Keep the row, marked archived (the default: history for metrics, audits and replays). */
    ARCHIVE,
    /** Remove the row. */
    DELETE
}
