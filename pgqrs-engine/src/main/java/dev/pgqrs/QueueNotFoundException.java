package dev.pgqrs;

/** The named queue does not exist in this store. */
public class QueueNotFoundException extends PgqrsException {

    private final String queueName;

    public QueueNotFoundException(String queueName) {
        super("queue not found: '" + queueName + "'; create it first with store.queues().create(\"" + queueName + "\")");
        this.queueName = queueName;
    }

    public String queueName() {
        return queueName;
    }
}
