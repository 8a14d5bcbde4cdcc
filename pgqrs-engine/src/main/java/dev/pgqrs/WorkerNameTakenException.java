package dev.pgqrs;

/** A worker name is unique: another worker that is not stopped holds this one. */
public class WorkerNameTakenException extends PgqrsException {

    public WorkerNameTakenException(String name, String status) {
        super("worker name '" + name + "' is held by a worker that is " + status
                + "; choose another name, or stop that worker first");
    }
}
