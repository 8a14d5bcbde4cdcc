package dev.pgqrs.worker;

import dev.pgqrs.WorkerStatus;

/**
 * A worker row owned by this process. The heartbeat service keeps it alive; if a reaper (of this or
 * another process) declared it dead, the next heartbeat finds out and fences it here: its deliveries
 * were released, and its owner takes a new row ({@link WorkerRegistry#renew}) before it does more work.
 */
public final class LiveWorker {

    private final long id;
    private final String name;
    private final Long queueId;
    private final String role;
    private final String label;
    private final String explicitName;
    private volatile WorkerStatus status = WorkerStatus.READY;
    private volatile WorkerStatus statusWhenFenced;
    private volatile boolean fenced;
    private volatile boolean closed;
    private volatile boolean touchedMessages;
    /** Counts the moves this process made, so a heartbeat's reading never overwrites a later move. */
    private volatile long moves;

    LiveWorker(long id, String name, Long queueId, String role, String label, String explicitName) {
        this.id = id;
        this.name = name;
        this.queueId = queueId;
        this.role = role;
        this.label = label;
        this.explicitName = explicitName;
    }

    public long id() {
        return id;
    }

    public String name() {
        return name;
    }

    public Long queueId() {
        return queueId;
    }

    /** What the worker does: "producer", "consumer", "workflow". */
    public String role() {
        return role;
    }

    String label() {
        return label;
    }

    /** The name the application chose, or null when it was generated. */
    String explicitName() {
        return explicitName;
    }

    public WorkerStatus status() {
        return status;
    }

    void status(WorkerStatus status) {
        this.status = status;
        moves++;
    }

    long moves() {
        return moves;
    }

    /**
     * Takes the status a heartbeat read from the row, which an operator may have changed from another process
     * (suspended, resumed, asked to shut down), unless this process moved the worker since the heartbeat began.
     */
    synchronized void observe(WorkerStatus row, long movesBefore) {
        if (moves == movesBefore && !fenced && !closed && row != WorkerStatus.STOPPED) {
            this.status = row;
        }
    }

    /** True once the store marked this worker stopped behind our back (stale heartbeat). */
    public boolean fenced() {
        return fenced;
    }

    /** The status the worker had here when it was fenced (its successor takes it over). */
    WorkerStatus statusWhenFenced() {
        return statusWhenFenced;
    }

    /** True once its owner closed it: it is never fenced or renewed after that, so a closed worker stays closed. */
    boolean closed() {
        return closed;
    }

    void close() {
        closed = true;
    }

    void fence() {
        // A worker its owner is stopping may look dead to a heartbeat that raced the stop; it is not fenced then.
        if (!fenced && !closed) {
            this.statusWhenFenced = status;
            this.fenced = true;
            this.status = WorkerStatus.STOPPED;
        }
    }

    /** Records that the worker's id was written to a message, so its row must outlive it. */
    public void touchedMessages() {
        if (!touchedMessages) {
            touchedMessages = true;
        }
    }

    boolean hasTouchedMessages() {
        return touchedMessages;
    }

    @Override
    public String toString() {
        return name + "#" + id;
    }
}
