package dev.pgqrs;

/** What closing a consumer does with leases it still holds. */
public enum ShutdownMode {
    /** Refuse to stop while leases are held ({@link WorkerBusyException}). */
    REQUIRE_IDLE,
    /** Make held messages visible again (delivery count kept), then stop. */
    RELEASE_HELD,
    /**
     * Stop now and leave held leases to expire, so their messages are delivered again then: for work that
     * may still be running (releasing its message at once would let another consumer start it meanwhile).
     */
    LEAVE_HELD
}
