package dev.pgqrs.worker;

import dev.pgqrs.WorkerStatus;

/**
 * A worker row owned by this process. The heartbeat service keeps it alive; if the reaper (of
 * this or another process) declared it dead, the next heartbeat finds out and marks it stopped
 * here, and its owner refuses further work.
 */
public final class LiveWorker {

    private final long id;
    private final String name;
    private final Long queueId;
    private volatile WorkerStatus status = WorkerStatus.READY;
    private volatile boolean fenced;
    private volatile boolean touchedMessages;

    LiveWorker(long id, String name, Long queueId) {
        this.id = id;
        this.name = name;
        this.queueId = queueId;
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

    public WorkerStatus status() {
        return status;
    }

    void status(WorkerStatus status) {
        this.status = status;
    }

    /** True once the store marked this worker stopped behind our back (stale heartbeat). */
    public boolean fenced() {
        return fenced;
    }

    void fence() {
        this.fenced = true;
        this.status = WorkerStatus.STOPPED;
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
