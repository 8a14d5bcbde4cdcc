package dev.pgqrs.store.postgres;

import dev.pgqrs.signal.Notifications;
import dev.pgqrs.signal.NotifyDebouncer;
import dev.pgqrs.signal.QueueSignals;
import dev.pgqrs.store.Database;
import dev.pgqrs.store.Jdbc;
import dev.pgqrs.OutageLog;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * LISTEN/NOTIFY wake-ups on PostgreSQL.
 *
 * <p>Sending: enqueues notify on the channel {@code pgqrs_<schema>} with the queue id as payload,
 * debounced by {@link NotifyDebouncer}; the notification is part of the enqueue's transaction,
 * so it is delivered on commit and dropped on rollback.
 *
 * <p>Receiving: one listener thread holds a dedicated connection in LISTEN and turns each
 * notification into {@link QueueSignals#signal}. When the connection drops it reconnects with
 * back-off; after every (re)connect it wakes all waiters, since notifications sent while it was
 * away are lost. Polling remains the fallback, so a lost notification costs latency, never a message.
 */
public final class PostgresNotifications implements Notifications {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresNotifications.class);
    private static final int MAX_CHANNEL_LENGTH = 63;
    private static final long MIN_BACKOFF_MILLIS = 100;
    private static final long MAX_BACKOFF_MILLIS = 5_000;

    private final Database database;
    private final QueueSignals signals;
    private final String channel;
    /** Tags notifications this store sent for enqueues it already signalled in-process. */
    private final String origin = Long.toHexString(ThreadLocalRandom.current().nextLong() | 1L);
    private final ScheduledExecutorService scheduler;
    private final NotifyDebouncer debouncer;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final CountDownLatch firstListen = new CountDownLatch(1);
    private volatile Thread listener;
    private volatile Connection listenConnection;
    private volatile boolean listening;
    private volatile boolean closed;
    private final OutageLog outage;

    public PostgresNotifications(Database database, QueueSignals signals, String schema, Duration debounceWindow) {
        this.database = database;
        this.signals = signals;
        this.channel = channelFor(schema);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pgqrs-notify-" + schema);
            t.setDaemon(true);
            return t;
        });
        this.outage = new OutageLog(LOG, "notification listener on '" + channel + "'");
        this.debouncer = new NotifyDebouncer(debounceWindow.toNanos(), System::nanoTime, scheduler, this::sendTrailing);
    }

    /**
     * The channel of a schema: {@code pgqrs_<schema>}, case kept (schema names are case-sensitive),
     * cut to PostgreSQL's 63-byte identifier limit; schema names are validated ASCII identifiers.
     */
    public static String channelFor(String schema) {
        String name = "pgqrs_" + schema;
        return name.length() > MAX_CHANNEL_LENGTH ? name.substring(0, MAX_CHANNEL_LENGTH) : name;
    }

    @Override
    public String channel() {
        return channel;
    }

    /**
     * {@code queueId}, or {@code queueId/origin} when this process's consumers were already woken
     * in-process: the listener here skips those, other processes use the queue id.
     */
    @Override
    public String payload(long queueId, boolean signalledHere) {
        return signalledHere ? queueId + "/" + origin : Long.toString(queueId);
    }

    @Override
    public boolean claim(long queueId) {
        boolean claimed = debouncer.claim(queueId);
        if (claimed) {
            sent.incrementAndGet();
        }
        return claimed;
    }

    @Override
    public void countInTransaction() {
        sent.incrementAndGet();
    }

    @Override
    public void suppressedCommitted(long queueId) {
        if (!closed) {
            debouncer.suppressedCommitted(queueId);
        }
    }

    private void sendTrailing(long queueId) {
        if (closed) {
            return;
        }
        try {
            database.execute("notify queue " + queueId, c -> Jdbc.queryOne(c, database.dialect().notifyStatement(), ps -> {
                ps.setString(1, channel);
                ps.setString(2, payload(queueId, true));
            }, rs -> null));
            sent.incrementAndGet();
        } catch (RuntimeException e) {
            // Consumers elsewhere find the message at their next poll.
            LOG.debug("trailing notification for queue {} failed: {}", queueId, e.getMessage());
        }
    }

    @Override
    public synchronized void startListening() {
        if (listener == null && !closed) {
            Thread t = new Thread(this::listenLoop, "pgqrs-listen-" + channel);
            t.setDaemon(true);
            listener = t;
            t.start();
        }
        try {
            // Consumers created right before an enqueue should not depend on the poll for it.
            firstListen.await(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void listenLoop() {
        long backoff = MIN_BACKOFF_MILLIS;
        while (!closed) {
            try (Connection c = database.dataSource().getConnection()) {
                listenConnection = c;
                c.setAutoCommit(true);
                try (Statement s = c.createStatement()) {
                    // pg_notify takes the channel as a value, case kept; LISTEN takes an identifier,
                    // folded to lower case unless quoted.
                    s.execute("LISTEN " + PostgresIdentifiers.quote(channel));
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                listening = true;
                firstListen.countDown();
                outage.succeeded();
                backoff = MIN_BACKOFF_MILLIS;
                // Anything sent while we were not listening is lost: let every waiter poll once.
                signals.signalAll();
                while (!closed) {
                    PGNotification[] batch = pg.getNotifications(200);
                    if (batch == null) {
                        continue;
                    }
                    for (PGNotification n : batch) {
                        received.incrementAndGet();
                        dispatch(n.getParameter());
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    break;
                }
                outage.failed(e, "reconnecting with back-off up to " + MAX_BACKOFF_MILLIS + " ms; consumers poll meanwhile");
                sleep(backoff);
                backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
            } finally {
                listening = false;
                listenConnection = null;
            }
        }
    }

    private void dispatch(String payload) {
        int slash = payload.indexOf('/');
        if (slash >= 0 && payload.substring(slash + 1).equals(origin)) {
            return; // our own enqueue: its consumers here were signalled when it committed
        }
        try {
            signals.signal(Long.parseLong(slash >= 0 ? payload.substring(0, slash) : payload));
        } catch (NumberFormatException e) {
            LOG.debug("ignoring notification with payload '{}' on '{}'", payload, channel);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean listening() {
        return listening;
    }

    @Override
    public long sent() {
        return sent.get();
    }

    @Override
    public long received() {
        return received.get();
    }

    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
        Thread t = listener;
        if (t != null) {
            try {
                // getNotifications wakes within its 200 ms timeout and sees closed.
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
