package dev.pgqrs.bench.drain;

import dev.pgqrs.bench.db.DatabaseSlot;
import dev.pgqrs.config.Backend;
import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.sql.DefaultSqlEndpoint;
import org.apache.camel.component.sql.DefaultSqlPrepareStatementStrategy;
import org.apache.camel.component.sql.DefaultSqlProcessingStrategy;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PollingConsumerPollStrategy;
import org.springframework.jdbc.core.JdbcTemplate;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * What a Camel user would write instead of pgqrs: {@code from("sql:…")} polling consumers over a
 * table of their own, one route per consumer. The poll query claims up to {@code batch} rows for
 * its route in one statement (PostgreSQL: {@code FOR UPDATE SKIP LOCKED}, so routes never share a
 * row). Two ways to mark them done, both Camel's documented options:
 * <ul>
 *   <li>{@code camel-sql}: {@code onConsume} per row after the route processed it — one statement (one commit)
 *       per message;</li>
 *   <li>{@code camel-sql-batch}: {@code onConsumeBatchComplete}, one statement per poll that archives every row
 *       the route claimed — what a careful Camel user writes for throughput (a failed exchange breaks the batch,
 *       {@code breakBatchOnConsumeFail}, so no failed row is archived with it).</li>
 * </ul>
 * Every failed poll and acknowledgement counts as an error of the run (SQLite's "database is locked" included):
 * Camel logs and retries them, so without counting they would be invisible.
 *
 * <p>Weaker than pgqrs, to the peer's advantage: a claimed row has no lease, so a crashed route's
 * rows stay claimed until someone intervenes.
 */
public final class CamelSqlDrain implements DrainContender {

    private static final String POSTGRES_TABLE = """
            CREATE TABLE camel_queue (
                id           bigserial PRIMARY KEY,
                payload      jsonb NOT NULL,
                enqueued_at  timestamptz NOT NULL DEFAULT now(),
                claimed_by   text,
                claimed_at   timestamptz,
                archived_at  timestamptz
            )""";

    private static final String SQLITE_TABLE = """
            CREATE TABLE camel_queue (
                id           INTEGER PRIMARY KEY AUTOINCREMENT,
                payload      TEXT NOT NULL,
                enqueued_at  TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
                claimed_by   TEXT,
                claimed_at   TEXT,
                archived_at  TEXT
            )""";

    private static final String UNCLAIMED_INDEX = "CREATE INDEX camel_queue_unclaimed_idx ON camel_queue (id) WHERE claimed_by IS NULL";

    private static final String CLAIMED_INDEX = "CREATE INDEX camel_queue_claimed_idx ON camel_queue (claimed_by) "
            + "WHERE claimed_by IS NOT NULL AND archived_at IS NULL";

    private static final String ON_CONSUME = "UPDATE camel_queue SET archived_at = CURRENT_TIMESTAMP WHERE id = :#id";

    private final boolean batchAck;

    /** Acknowledges per row ({@code onConsume}). */
    public CamelSqlDrain() {
        this(false);
    }

    /** @param batchAck acknowledge once per poll ({@code onConsumeBatchComplete}) instead of per row */
    public CamelSqlDrain(boolean batchAck) {
        this.batchAck = batchAck;
    }

    static String onConsumeBatchComplete(String route) {
        return "UPDATE camel_queue SET archived_at = CURRENT_TIMESTAMP WHERE claimed_by = '" + route + "' AND archived_at IS NULL";
    }

    @Override
    public String name() {
        return batchAck ? "camel-sql-batch" : "camel-sql";
    }

    @Override
    public String description() {
        return batchAck
                ? "Camel 4.18 sql: polling consumer per consumer (claim query, onConsumeBatchComplete: one ack statement per poll), HikariCP pool"
                : "Camel 4.18 sql: polling consumer per consumer (claim query, onConsume per row), HikariCP pool";
    }

    @Override
    public boolean supports(Backend backend) {
        return true;
    }

    static String claimQuery(Backend backend, String route, int batch) {
        return "UPDATE camel_queue SET claimed_by = '" + route + "', claimed_at = CURRENT_TIMESTAMP "
                + "WHERE id IN (SELECT id FROM camel_queue WHERE claimed_by IS NULL ORDER BY id LIMIT " + batch
                + (backend == Backend.POSTGRES ? " FOR UPDATE SKIP LOCKED" : "") + ") "
                + "RETURNING id, " + (backend == Backend.POSTGRES ? "CAST(payload AS text)" : "payload") + " AS payload";
    }

    @Override
    public PreparedDrain prepare(DatabaseSlot slot, DrainCell cell, DrainSettings settings) throws SQLException {
        try (Connection c = slot.connect()) {
            try (Statement s = c.createStatement()) {
                s.execute(slot.backend() == Backend.POSTGRES ? POSTGRES_TABLE : SQLITE_TABLE);
                s.execute(UNCLAIMED_INDEX);
                s.execute(CLAIMED_INDEX);
            }
            Payloads.insertInto(c, slot.backend(), "camel_queue", settings.messages());
        }
        slot.settle("camel_queue");
        return new Prepared(slot, cell, batchAck);
    }

    /** Camel's own onConsume strategies, counting and timing each acknowledgement (and each failed one) for the probe. */
    private static final class CountingProcessingStrategy extends DefaultSqlProcessingStrategy {

        private final DrainProbe probe;

        CountingProcessingStrategy(DrainProbe probe) {
            super(new DefaultSqlPrepareStatementStrategy());
            this.probe = probe;
        }

        @Override
        public int commit(DefaultSqlEndpoint endpoint, Exchange exchange, Object data, JdbcTemplate jdbcTemplate, String query)
                throws Exception {
            long t0 = System.nanoTime();
            try {
                int updated = super.commit(endpoint, exchange, data, jdbcTemplate, query);
                probe.ackLatency().recordSince(t0);
                probe.acked(updated);
                return updated;
            } catch (Exception e) {
                probe.error(e);
                throw e;
            }
        }

        @Override
        public int commitBatchComplete(DefaultSqlEndpoint endpoint, JdbcTemplate jdbcTemplate, String query) throws Exception {
            long t0 = System.nanoTime();
            try {
                int updated = super.commitBatchComplete(endpoint, jdbcTemplate, query);
                probe.ackLatency().recordSince(t0);
                probe.acked(updated);
                return updated;
            } catch (Exception e) {
                probe.error(e);
                throw e;
            }
        }
    }

    /** Counts every poll that failed (Camel logs it at WARN and polls again). */
    private static final class CountingPollStrategy implements PollingConsumerPollStrategy {

        private final DrainProbe probe;

        CountingPollStrategy(DrainProbe probe) {
            this.probe = probe;
        }

        @Override
        public boolean begin(Consumer consumer, Endpoint endpoint) {
            return true;
        }

        @Override
        public void commit(Consumer consumer, Endpoint endpoint, int polledMessages) {
        }

        @Override
        public boolean rollback(Consumer consumer, Endpoint endpoint, int retryCounter, Exception cause) {
            probe.error(cause);
            return false; // no immediate retry: the next scheduled poll tries again, as Camel's default does
        }
    }

    private static final class Prepared implements PreparedDrain {

        private final DatabaseSlot slot;
        private final DrainCell cell;
        private final boolean batchAck;
        private DataSource pool;

        Prepared(DatabaseSlot slot, DrainCell cell, boolean batchAck) {
            this.slot = slot;
            this.cell = cell;
            this.batchAck = batchAck;
        }

        @Override
        public void drain(DrainProbe probe) throws Exception {
            // Each route holds one connection for its poll and borrows a second for onConsume.
            pool = slot.pool("camel-sql", 2 * cell.consumers() + 1);
            try (CamelContext camel = new DefaultCamelContext()) {
                camel.getRegistry().bind("benchDataSource", pool);
                camel.getRegistry().bind("countingStrategy", new CountingProcessingStrategy(probe));
                camel.getRegistry().bind("countingPolls", new CountingPollStrategy(probe));
                camel.getShutdownStrategy().setTimeout(10);
                camel.addRoutes(new RouteBuilder() {
                    @Override
                    public void configure() {
                        for (int i = 0; i < cell.consumers(); i++) {
                            String route = "camel-" + i;
                            String ack = batchAck
                                    ? "&onConsumeBatchComplete=RAW(" + onConsumeBatchComplete(route) + ")"
                                    : "&onConsume=RAW(" + ON_CONSUME + ")";
                            from("sql:" + claimQuery(slot.backend(), route, cell.batch())
                                    + "?dataSource=#benchDataSource&processingStrategy=#countingStrategy"
                                    + "&pollStrategy=#countingPolls"
                                    + "&maxMessagesPerPoll=" + cell.batch()
                                    + "&initialDelay=0&delay=10&greedy=true&breakBatchOnConsumeFail=true" + ack)
                                    .routeId(route).autoStartup(false)
                                    .process(exchange -> {
                                        Map<?, ?> row = exchange.getIn().getBody(Map.class);
                                        String.valueOf(row.get("payload")); // the work: hand the payload on
                                        probe.delivered(((Number) row.get("id")).longValue());
                                    });
                        }
                    }
                });
                camel.start();
                probe.startClock();
                camel.getRouteController().startAllRoutes();
                while (!probe.allAcked() && !probe.timeUp()) {
                    Thread.sleep(2);
                }
                probe.stopClock();
                camel.getRouteController().stopAllRoutes();
            }
        }

        @Override
        public long remaining() throws SQLException {
            try (Connection c = slot.connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM camel_queue WHERE archived_at IS NULL")) {
                rs.next();
                return rs.getLong(1);
            }
        }

        @Override
        public void close() throws Exception {
            if (pool instanceof AutoCloseable closeable) {
                closeable.close();
            }
        }
    }
}
