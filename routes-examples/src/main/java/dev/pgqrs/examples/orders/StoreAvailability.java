package dev.pgqrs.examples.orders;

import dev.pgqrs.Store;
import dev.pgqrs.StoreHealth;
import dev.pgqrs.StoreUnavailableException;

/**
 * Whether the store can take work now, from what it already knows ({@link Store#health()}, no round
 * trip): every operation that could not reach the database marked it unreachable, and the store probes
 * while it is down. The HTTP intake asks before it touches the store, so a client is told at once that
 * the store is away instead of waiting out the connection timeout on every request.
 */
final class StoreAvailability {

    private final Store store;

    StoreAvailability(Store store) {
        this.store = store;
    }

    /**
     * Throws {@link StoreUnavailableException} while the store knows its database is unreachable. Its
     * message is for the log (the store's last connection error); a client is told {@link #outageMessage()}.
     */
    void requireReachable() {
        StoreHealth health = store.health();
        if (!health.reachable()) {
            throw new StoreUnavailableException("the store has found the database unreachable for "
                    + health.duration().toSeconds() + " s (" + health.lastError() + ")", null);
        }
    }

    /** What a client is told while the store is away: nothing was done, and when to try again. */
    String outageMessage() {
        StoreHealth health = store.health();
        String what = health.reachable() ? "the database did not answer"
                : "the database has been unreachable for " + health.duration().toSeconds() + " s";
        return "store unavailable, retry in " + HttpReplies.RETRY_AFTER_SECONDS + " s: " + what + "; nothing was done";
    }
}
