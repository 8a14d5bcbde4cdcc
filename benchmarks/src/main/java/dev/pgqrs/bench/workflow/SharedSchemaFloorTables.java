package dev.pgqrs.bench.workflow;

import dev.pgqrs.Pgqrs;
import dev.pgqrs.Store;
import dev.pgqrs.bench.db.DatabaseSlot;
import dev.pgqrs.config.Backend;
import dev.pgqrs.config.PgqrsConfig;
import dev.pgqrs.workflow.Workflow;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

/**
 * The tables pgqrs shares with pgqrs for Rust and Python, written by hand: a run is a message on the workflow's
 * queue and a run row beside it, claimed by leasing the message, and ended by archiving it — the rows, columns,
 * indexes and foreign keys every engine on that database must keep, and nothing of the engine's own statements or
 * bookkeeping. The engine installs the schema and registers the workflow; after that it is closed and takes no part.
 * PostgreSQL only: on SQLite one writer at a time hides what the row model costs.
 */
final class SharedSchemaFloorTables implements FloorTables {

    /** Params: queue, input, workflow, input. */
    private static final String INSERT_RUN = """
            WITH message AS (
                INSERT INTO pgqrs_messages (queue_id, payload) VALUES (?, to_jsonb(?::integer))
                RETURNING id
            )
            INSERT INTO pgqrs_workflow_runs (workflow_id, message_id, status, input)
            SELECT ?, message.id, 'QUEUED', to_jsonb(?::integer) FROM message
            RETURNING id, message_id""";

    /** Params: worker, queue, worker. */
    private static final String CLAIM = """
            WITH leased AS (
                UPDATE pgqrs_messages
                SET vt = now() + interval '5 minutes', read_ct = read_ct + 1, dequeued_at = now(), consumer_worker_id = ?
                WHERE id = (SELECT id FROM pgqrs_messages
                            WHERE queue_id = ? AND archived_at IS NULL AND vt <= now()
                            ORDER BY vt, enqueued_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
                RETURNING id
            )
            UPDATE pgqrs_workflow_runs run
            SET status = 'RUNNING', started_at = now(), updated_at = now(), worker_id = ?
            FROM leased WHERE run.message_id = leased.id
            RETURNING run.id, run.message_id, (run.input)::integer""";

    /** Params: run, step name, output. */
    private static final String INSERT_STEP = """
            INSERT INTO pgqrs_workflow_steps (run_id, step_name, status, output, started_at, completed_at)
            VALUES (?, ?, 'SUCCESS', to_jsonb(?::integer), now(), now())""";

    /** Params: run, step name, output, message, result, run. */
    private static final String LAST_STEP = """
            WITH step AS (
                INSERT INTO pgqrs_workflow_steps (run_id, step_name, status, output, started_at, completed_at)
                VALUES (?, ?, 'SUCCESS', to_jsonb(?::integer), now(), now())
            ), archived AS (
                UPDATE pgqrs_messages SET archived_at = now() WHERE id = ?
            )
            UPDATE pgqrs_workflow_runs
            SET status = 'SUCCESS', output = to_jsonb(?::integer), completed_at = now(), updated_at = now()
            WHERE id = ?""";

    private long queue;
    private long workflow;
    private long worker;

    @Override
    public boolean supports(Backend backend) {
        return backend == Backend.POSTGRES;
    }

    @Override
    public void create(DatabaseSlot slot, int steps) throws SQLException {
        String name = "floor_" + steps + "_steps";
        PgqrsConfig.Builder config = PgqrsConfig.builder().dsn(slot.pgqrsDsn()).maxConnections(2);
        if (slot.schema() != null) {
            config.schema(slot.schema());
        }
        try (Store store = Pgqrs.connect(config.build())) {
            store.admin().install();
            store.workflows().register(Workflow.define(name, Integer.class, Integer.class, (ctx, input) -> input));
        }
        try (Connection c = slot.connect()) {
            try (PreparedStatement find = c.prepareStatement("SELECT id, queue_id FROM pgqrs_workflows WHERE name = ?")) {
                find.setString(1, name);
                try (ResultSet rs = find.executeQuery()) {
                    if (!rs.next()) {
                        throw new IllegalStateException("workflow " + name + " was not registered");
                    }
                    workflow = rs.getLong(1);
                    queue = rs.getLong(2);
                }
            }
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO pgqrs_workers (name, queue_id) VALUES (?, ?) RETURNING id")) {
                insert.setString(1, "floor-schema-" + UUID.randomUUID());
                insert.setLong(2, queue);
                try (ResultSet rs = insert.executeQuery()) {
                    rs.next();
                    worker = rs.getLong(1);
                }
            }
        }
    }

    @Override
    public FloorRun insertRun(FloorSession session, int input, boolean pending) throws SQLException {
        if (!pending) {
            throw new IllegalArgumentException("a run on the shared tables is a message on its queue: it starts pending");
        }
        PreparedStatement insert = session.statement(INSERT_RUN);
        insert.setLong(1, queue);
        insert.setInt(2, input);
        insert.setLong(3, workflow);
        insert.setInt(4, input);
        try (ResultSet rs = insert.executeQuery()) {
            rs.next();
            return new FloorRun(rs.getLong(1), rs.getLong(2), input);
        }
    }

    @Override
    public FloorRun claim(FloorSession session) throws SQLException {
        PreparedStatement claim = session.statement(CLAIM);
        claim.setLong(1, worker);
        claim.setLong(2, queue);
        claim.setLong(3, worker);
        try (ResultSet rs = claim.executeQuery()) {
            return rs.next() ? new FloorRun(rs.getLong(1), rs.getLong(2), rs.getInt(3)) : null;
        }
    }

    @Override
    public void checkpoint(FloorSession session, FloorRun run, int step, int output) throws SQLException {
        PreparedStatement insert = session.statement(INSERT_STEP);
        insert.setLong(1, run.id());
        insert.setString(2, "step-" + step);
        insert.setInt(3, output);
        insert.executeUpdate();
    }

    @Override
    public void finish(FloorSession session, FloorRun run, int step, int output, int result) throws SQLException {
        PreparedStatement last = session.statement(LAST_STEP);
        last.setLong(1, run.id());
        last.setString(2, "step-" + step);
        last.setInt(3, output);
        last.setLong(4, run.message());
        last.setInt(5, result);
        last.setLong(6, run.id());
        last.executeUpdate();
    }

    @Override
    public String succeededQuery() {
        return "SELECT count(*) FROM pgqrs_workflow_runs WHERE status = 'SUCCESS'";
    }
}
