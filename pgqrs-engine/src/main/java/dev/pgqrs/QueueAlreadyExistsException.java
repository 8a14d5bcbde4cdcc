package dev.pgqrs;

/** A queue of that name already exists; use {@code queues().get(name)} or {@code createIfAbsent}. */
public class QueueAlreadyExistsException extends PgqrsException {

    private final String queueName;

    public QueueAlreadyExistsException(String queueName) {
        super("queue already exists: '" + queueName + "'");
        this.queueName = queueName;
    }

    public String queueName() {
        return queueName;
    }
}
