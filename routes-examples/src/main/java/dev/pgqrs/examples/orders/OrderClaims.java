package dev.pgqrs.examples.orders;

import dev.pgqrs.Store;
import dev.pgqrs.checkpoint.Checkpoint;

import java.util.Optional;

/**
 * Which fulfilment run an order id belongs to, kept in the store: one row per order in the store's
 * step checkpoints, under the run key {@code order:<orderId>}, written once. The first run to claim an
 * order id owns it; every later claim (a duplicate intake, a redelivery, two intakes racing, in this
 * process or another on the same database) reads back the run that won, because the row's key is
 * unique and the first record of a key is the one kept.
 *
 * <p>The rows belong to no queue message ({@code messageId} null), so no acknowledgement deletes them:
 * an order id stays recognised for as long as the store keeps them.
 */
final class OrderClaims {

    /** Step name of the claim under the order's run key. */
    static final String STEP = "fulfilment-run";
    private static final String BODY_TYPE = "run-id";

    private final Store store;

    OrderClaims(Store store) {
        this.store = store;
    }

    /** The run that owns the order id, if one claimed it. */
    Optional<Long> runOf(String orderId) {
        return store.checkpoints().find(key(orderId), STEP).map(OrderClaims::runId);
    }

    /** Claims the order id for {@code runId}; returns the run that owns it now (this one, or the first claimant). */
    long claim(String orderId, long runId) {
        Checkpoint mine = new Checkpoint(key(orderId), null, STEP, BODY_TYPE, Long.toString(runId), null);
        return runId(store.checkpoints().record(mine));
    }

    private static String key(String orderId) {
        return "order:" + orderId;
    }

    private static long runId(Checkpoint claim) {
        return Long.parseLong(claim.body());
    }
}
