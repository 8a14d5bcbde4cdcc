package dev.pgqrs.store;

/**
 * One process's claim to be the database's maintenance leader. {@link #acquireOrRenew} is called on a fixed
 * tick by one thread; {@link #release} when the store closes. The backends keep it differently (a session
 * advisory lock, a lease row), which is why each dialect hands out its own.
 */
public interface LeaderLease extends AutoCloseable {

    /**
     * Takes leadership if nobody holds it, or confirms that this process still does. Returns whether it holds
     * it now. A database that cannot be reached throws ({@code StoreUnavailableException}); the caller then
     * counts leadership as lost, since another process may take it meanwhile.
     */
    boolean acquireOrRenew();

    /** Gives leadership up (so another process takes over at once); quiet when it is not held or cannot be reached. */
    void release();

    @Override
    default void close() {
        release();
    }
}
