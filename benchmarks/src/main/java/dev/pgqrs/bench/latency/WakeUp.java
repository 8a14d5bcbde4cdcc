package dev.pgqrs.bench.latency;

import dev.pgqrs.config.Backend;

/** How an idle consumer learns that a message arrived. */
public enum WakeUp {

    /** Producer and consumer share a process (one pgqrs Store): the enqueue signals the consumer directly. */
    IN_PROCESS("in-process signal"),
    /** Producer and consumer in different processes (two Stores): PostgreSQL LISTEN/NOTIFY. */
    NOTIFY("LISTEN/NOTIFY"),
    /** Producer and consumer in different processes, notifications off: the consumer polls. */
    POLLING("polling only");

    private final String label;

    WakeUp(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public boolean availableOn(Backend backend) {
        return this != NOTIFY || backend == Backend.POSTGRES;
    }
}
