package dev.pgqrs.bench.workflow;

import dev.pgqrs.bench.db.DatabaseSlot;
import dev.pgqrs.config.Backend;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Two tables of the floor's own, as narrow as a run can be: a run row (its input, status and output) and a row per
 * step's output, with one partial index for the pending runs a worker claims.
 */
final class OwnFloorTables implements FloorTables {

    private static final String POSTGRES_RUNS = """
            CREATE TABLE IF NOT EXISTS floor_wf_runs (
                id         bigserial PRIMARY KEY,
                input      integer NOT NULL,
                status     text NOT NULL,
                output     integer,
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz
            )""";

    private static final String SQLITE_RUNS = """
            CREATE TABLE IF NOT EXISTS floor_wf_runs (
                id         INTEGER PRIMARY KEY AUTOINCREMENT,
                input      INTEGER NOT NULL,
                status     TEXT NOT NULL,
                output     INTEGER,
                created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
                updated_at TEXT
            )""";

    private static final String STEPS = """
            CREATE TABLE IF NOT EXISTS floor_wf_steps (
                run_id bigint NOT NULL,
                step   integer NOT NULL,
                output integer NOT NULL,
                PRIMARY KEY (run_id, step)
            )""";

    private static final String PENDING_INDEX =
            "CREATE INDEX IF NOT EXISTS floor_wf_runs_pending_idx ON floor_wf_runs (id) WHERE status = 'PENDING'";

    private static final String INSERT_RUN = "INSERT INTO floor_wf_runs (input, status) VALUES (?, ?) RETURNING id";

    private static final String INSERT_STEP = "INSERT INTO floor_wf_steps (run_id, step, output) VALUES (?, ?, ?)";

    /** Params: run id, step, step output, run output, run id. */
    private static final String POSTGRES_LAST_STEP = """
            WITH step AS (
                INSERT INTO floor_wf_steps (run_id, step, output) VALUES (?, ?, ?)
            )
            UPDATE floor_wf_runs SET status = 'SUCCESS', output = ?, updated_at = now() WHERE id = ?""";

    private static final String SQLITE_FINISH = """
            UPDATE floor_wf_runs SET status = 'SUCCESS', output = ?, updated_at = strftime('%Y-%m-%d %H:%M:%f', 'now')
            WHERE id = ?""";

    private static final String POSTGRES_CLAIM = """
            UPDATE floor_wf_runs SET status = 'RUNNING', updated_at = now()
            WHERE id = (SELECT id FROM floor_wf_runs WHERE status = 'PENDING' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING id, input""";

    private static final String SQLITE_CLAIM = """
            UPDATE floor_wf_runs SET status = 'RUNNING', updated_at = strftime('%Y-%m-%d %H:%M:%f', 'now')
            WHERE id = (SELECT id FROM floor_wf_runs WHERE status = 'PENDING' ORDER BY id LIMIT 1)
            RETURNING id, input""";

    private boolean postgres;

    @Override
    public boolean supports(Backend backend) {
        return true;
    }

    @Override
    public void create(DatabaseSlot slot, int steps) throws SQLException {
        postgres = slot.backend() == Backend.POSTGRES;
        try (Connection c = slot.connect(); Statement s = c.createStatement()) {
            s.execute(postgres ? POSTGRES_RUNS : SQLITE_RUNS);
            s.execute(STEPS);
            s.execute(PENDING_INDEX);
        }
    }

    @Override
    public FloorRun insertRun(FloorSession session, int input, boolean pending) throws SQLException {
        PreparedStatement insert = session.statement(INSERT_RUN);
        insert.setInt(1, input);
        insert.setString(2, pending ? "PENDING" : "RUNNING");
        try (ResultSet rs = insert.executeQuery()) {
            rs.next();
            return new FloorRun(rs.getLong(1), 0, input);
        }
    }

    @Override
    public FloorRun claim(FloorSession session) throws SQLException {
        try (ResultSet rs = session.statement(postgres ? POSTGRES_CLAIM : SQLITE_CLAIM).executeQuery()) {
            return rs.next() ? new FloorRun(rs.getLong(1), 0, rs.getInt(2)) : null;
        }
    }

    @Override
    public void checkpoint(FloorSession session, FloorRun run, int step, int output) throws SQLException {
        PreparedStatement insert = session.statement(INSERT_STEP);
        insert.setLong(1, run.id());
        insert.setInt(2, step);
        insert.setInt(3, output);
        insert.executeUpdate();
    }

    @Override
    public void finish(FloorSession session, FloorRun run, int step, int output, int result) throws SQLException {
        if (postgres) {
            PreparedStatement last = session.statement(POSTGRES_LAST_STEP);
            last.setLong(1, run.id());
            last.setInt(2, step);
            last.setInt(3, output);
            last.setInt(4, result);
            last.setLong(5, run.id());
            last.executeUpdate();
            return;
        }
        session.inTransaction(() -> {
            checkpoint(session, run, step, output);
            PreparedStatement finish = session.statement(SQLITE_FINISH);
            finish.setInt(1, result);
            finish.setLong(2, run.id());
            finish.executeUpdate();
        });
    }

    @Override
    public String succeededQuery() {
        return "SELECT count(*) FROM floor_wf_runs WHERE status = 'SUCCESS'";
    }
}
