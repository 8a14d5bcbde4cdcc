package dev.pgqrs;

/** A consumer cannot shut down while it still holds leased messages. */
public class WorkerBusyException extends PgqrsException {

    private final long heldMessages;

    public WorkerBusyException(String workerName, long heldMessages) {
        super("worker '" + workerName + "' still holds " + heldMessages
                + " leased message(s); archive, delete or release them first, or call close(ShutdownMode.RELEASE_HELD)");
        this.heldMessages = heldMessages;
    }

    public long heldMessages() {
        return heldMessages;
    }
}
