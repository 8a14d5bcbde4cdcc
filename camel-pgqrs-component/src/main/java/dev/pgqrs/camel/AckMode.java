package dev.pgqrs.camel;

/** What the consumer does with a message whose exchange completed. */
public enum AckMode {
    /** Keep the row, marked archived: an audit trail, removed with the queue's retention. */
    ARCHIVE,
    /** Remove the row. */
    DELETE
}
