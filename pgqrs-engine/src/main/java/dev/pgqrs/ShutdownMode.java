package dev.pgqrs;

/** What closing a consumer does with leases it still holds. */
public enum ShutdownMode {
    /** Refuse to stop while leases are held ({@link WorkerBusyException}). */
    REQUIRE_IDLE,
    /** Make held messages visible again (delivery count kept), then stop. */
    RELEASE_HELD
}
