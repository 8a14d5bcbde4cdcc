package dev.pgqrs.camel;

import dev.pgqrs.Store;
import org.apache.camel.Exchange;
import org.apache.camel.spi.IdempotentRepository;

import java.sql.Connection;

/**
 * A Camel {@link IdempotentRepository} in the pgqrs store ({@code pgqrs_idempotency_keys}, one {@link #setScope
 * scope} per repository). When the exchange runs in a pgqrs transaction, a key is taken in that transaction: it
 * commits with the enqueue, or neither does. So a file (or a line of it) read again after the process died between
 * the enqueue and the file's move is skipped, never enqueued twice:
 *
 * <pre>{@code
 * from("file:inbox?move=.done")
 *     .transacted("pgqrsTx")
 *     .idempotentConsumer(simple("${file:name}-${file:size}-${file:modified}"), inboxKeys)
 *         .to("pgqrs:orders")
 *     .end();
 * }</pre>
 *
 * <p>Outside a transaction each call is its own statement, as camel-sql's {@code JdbcMessageIdRepository}. A key
 * taken in a transaction that rolled back is gone with it: {@code remove} then changes nothing (a later taker's key
 * is never removed by an earlier failure). Keys are kept for the store's {@code idempotency_retention}.
 */
public class PgqrsIdempotentRepository extends PgqrsStoreBean implements IdempotentRepository {

    /** Exchange property: the keys this exchange took in its transaction (so a failure need not remove them). */
    private static final String TAKEN_IN_TRANSACTION = "CamelPgqrsIdempotentTaken";

    private String scope = "camel";

    public PgqrsIdempotentRepository() {
    }

    public PgqrsIdempotentRepository(Store store, String scope) {
        super(store);
        this.scope = scope;
    }

    @Override
    public boolean add(String key) {
        return store().idempotencyKeys().add(scope, key);
    }

    @Override
    public boolean add(Exchange exchange, String key) {
        Connection c = PgqrsTransactionPolicy.connection(exchange);
        if (c == null) {
            return add(key);
        }
        boolean taken = store().idempotencyKeys().add(c, scope, key);
        if (taken) {
            exchange.setProperty(TAKEN_IN_TRANSACTION + ":" + scope + ":" + key, Boolean.TRUE);
        }
        return taken;
    }

    @Override
    public boolean contains(String key) {
        return store().idempotencyKeys().find(scope, key).isPresent();
    }

    @Override
    public boolean contains(Exchange exchange, String key) {
        Connection c = PgqrsTransactionPolicy.connection(exchange);
        return c == null ? contains(key) : store().idempotencyKeys().find(c, scope, key).isPresent();
    }

    @Override
    public boolean remove(String key) {
        return store().idempotencyKeys().remove(scope, key);
    }

    @Override
    public boolean remove(Exchange exchange, String key) {
        if (exchange.removeProperty(TAKEN_IN_TRANSACTION + ":" + scope + ":" + key) != null) {
            Connection c = PgqrsTransactionPolicy.connection(exchange);
            // Still in the transaction: give the key up in it. After it: the rollback already did.
            return c != null && store().idempotencyKeys().remove(c, scope, key);
        }
        return remove(key);
    }

    @Override
    public boolean confirm(String key) {
        return true; // a key is complete when it is taken: eager, as the idempotent consumer's default
    }

    @Override
    public void clear() {
        store().idempotencyKeys().removeScope(scope);
    }

    private Store store() {
        return store("pgqrs idempotent repository '" + scope + "'");
    }

    public String getScope() {
        return scope;
    }

    /** The scope of this repository's keys (default camel): keys of different scopes never meet. */
    public void setScope(String scope) {
        this.scope = scope;
    }

    @Override
    public String toString() {
        return "PgqrsIdempotentRepository[" + scope + "]";
    }
}
