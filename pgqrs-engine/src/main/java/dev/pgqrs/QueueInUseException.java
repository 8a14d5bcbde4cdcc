package dev.pgqrs;

/** A queue cannot be deleted while messages or workers still reference it. */
public class QueueInUseException extends PgqrsException {

    public QueueInUseException(String queueName, String reason) {
        super("queue '" + queueName + "' cannot be deleted: " + reason
                + "; purge it first (queues().purge(\"" + queueName + "\")) or stop its workers");
    }
}
