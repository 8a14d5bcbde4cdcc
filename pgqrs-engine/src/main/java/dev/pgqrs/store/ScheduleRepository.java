package dev.pgqrs.store;

import dev.pgqrs.MissedFirings;
import dev.pgqrs.OverlapPolicy;
import dev.pgqrs.ScheduleFiring;
import dev.pgqrs.ScheduleInfo;
import dev.pgqrs.ScheduleSpec;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Schedules ({@code pgqrs_schedules}) and their firings ({@code pgqrs_schedule_firings}). The SQL reads the same
 * on every backend; the current time and timestamps come from the dialect. Enum values are stored in lower case
 * ({@code fire_once}, {@code overlap_skipped}).
 */
public final class ScheduleRepository {

    /** A schedule row: its id and revision (the firing's compare-and-set token) beside what the API shows. */
    public record ScheduleRow(long id, long revision, ScheduleInfo info) {
    }

    /** The definition columns, in the order {@link #bindDefinition} binds them. */
    private static final String COLUMNS = """
            id, revision, name, cron, time_zone, target_kind, target_name, payload, missed_policy, max_catch_up,
            overlap_policy, next_fire_at, paused_at, created_at, updated_at""";

    private static final String FIND = "SELECT " + COLUMNS + " FROM pgqrs_schedules WHERE name = ?";
    private static final String LIST = "SELECT " + COLUMNS + " FROM pgqrs_schedules ORDER BY name";

    private static final String FIRING_COLUMNS = "s.name, f.scheduled_at, f.fired_at, f.outcome, f.message_id, f.run_id";

    private static final String FIRINGS = "SELECT " + FIRING_COLUMNS + """
             FROM pgqrs_schedule_firings f JOIN pgqrs_schedules s ON s.id = f.schedule_id
            WHERE f.schedule_id = ? ORDER BY f.scheduled_at DESC LIMIT ?""";

    private static final String FIRING = "SELECT " + FIRING_COLUMNS + """
             FROM pgqrs_schedule_firings f JOIN pgqrs_schedules s ON s.id = f.schedule_id
            WHERE f.schedule_id = ? AND f.scheduled_at = ?""";

    private static final String COMPLETE_FIRING = """
            UPDATE pgqrs_schedule_firings SET message_id = ?, run_id = ? WHERE schedule_id = ? AND scheduled_at = ?""";

    /** Firings whose message is still in the queue, not archived: waiting, leased, or a run not finished. */
    private static final String UNFINISHED_FIRINGS = """
            SELECT count(*) FROM pgqrs_schedule_firings f JOIN pgqrs_messages m ON m.id = f.message_id
            WHERE f.schedule_id = ? AND m.archived_at IS NULL""";

    private static final String RUN_MESSAGE = "SELECT message_id FROM pgqrs_workflow_runs WHERE id = ?";

    /** Keeps the newest {@code ?} firings of a schedule (the subquery finds none while there are fewer). */
    private static final String PRUNE_FIRINGS = """
            DELETE FROM pgqrs_schedule_firings WHERE schedule_id = ? AND scheduled_at < (
                SELECT scheduled_at FROM pgqrs_schedule_firings WHERE schedule_id = ?
                ORDER BY scheduled_at DESC LIMIT 1 OFFSET ?)""";

    private static final String DELETE_FIRINGS = """
            DELETE FROM pgqrs_schedule_firings WHERE schedule_id IN (SELECT id FROM pgqrs_schedules WHERE name = ?)""";
    private static final String DELETE = "DELETE FROM pgqrs_schedules WHERE name = ?";

    /**
     * Moves the cursor of a schedule whose row is as the caller read it (same revision, not paused). On PostgreSQL
     * a second process doing the same waits for the first's transaction and then matches no row.
     */
    private static final String CLAIM = """
            UPDATE pgqrs_schedules SET next_fire_at = ?, revision = revision + 1
            WHERE id = ? AND revision = ? AND paused_at IS NULL""";

    private final Dialect dialect;
    private final String now;
    private final String due;
    private final String insert;
    private final String update;
    private final String pause;
    private final String resume;
    private final String insertFiring;

    public ScheduleRepository(Dialect dialect) {
        this.dialect = dialect;
        String now = dialect.now();
        this.now = "SELECT " + now;
        this.due = "SELECT " + COLUMNS + """
                , %s FROM pgqrs_schedules WHERE paused_at IS NULL AND next_fire_at <= %s
                ORDER BY next_fire_at LIMIT ?""".formatted(now, now);
        this.insert = """
                INSERT INTO pgqrs_schedules (cron, time_zone, target_kind, target_name, payload, missed_policy,
                    max_catch_up, overlap_policy, next_fire_at, name, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, %s, %s)
                ON CONFLICT (name) DO NOTHING""".formatted(now, now);
        this.update = """
                UPDATE pgqrs_schedules SET cron = ?, time_zone = ?, target_kind = ?, target_name = ?, payload = ?,
                    missed_policy = ?, max_catch_up = ?, overlap_policy = ?, next_fire_at = ?,
                    revision = revision + 1, updated_at = %s
                WHERE name = ?""".formatted(now);
        this.pause = """
                UPDATE pgqrs_schedules SET paused_at = %s, revision = revision + 1, updated_at = %s
                WHERE name = ? AND paused_at IS NULL""".formatted(now, now);
        this.resume = """
                UPDATE pgqrs_schedules SET paused_at = NULL, next_fire_at = ?, revision = revision + 1, updated_at = %s
                WHERE name = ? AND paused_at IS NOT NULL""".formatted(now);
        this.insertFiring = """
                INSERT INTO pgqrs_schedule_firings (schedule_id, scheduled_at, fired_at, outcome) VALUES (?, ?, %s, ?)
                ON CONFLICT (schedule_id, scheduled_at) DO NOTHING""".formatted(now);
    }

    /** The database's clock: schedules fire by it, whatever the clocks of the processes say. */
    public Instant now(Connection c) throws SQLException {
        return Jdbc.queryOne(c, now, StatementBinder.NONE, rs -> dialect.readInstant(rs, 1)).orElseThrow();
    }

    public Optional<ScheduleRow> find(Connection c, String name) throws SQLException {
        return Jdbc.queryOne(c, FIND, ps -> ps.setString(1, name), this::row);
    }

    public List<ScheduleRow> list(Connection c) throws SQLException {
        return Jdbc.query(c, LIST, StatementBinder.NONE, this::row);
    }

    /** A due schedule and the database's time when it was read. */
    public record DueSchedule(ScheduleRow row, Instant now) {
    }

    /** Up to {@code limit} active schedules whose cursor has passed, the most overdue first. */
    public List<DueSchedule> due(Connection c, int limit) throws SQLException {
        return Jdbc.query(c, due, ps -> ps.setInt(1, limit), rs -> new DueSchedule(row(rs), dialect.readInstant(rs, 16)));
    }

    /** Inserts the schedule unless one of its name exists; returns whether it did. */
    public boolean insert(Connection c, ScheduleSpec spec, String payloadJson, Instant nextFireAt) throws SQLException {
        return Jdbc.update(c, insert, ps -> bindDefinition(ps, spec, payloadJson, nextFireAt)) == 1;
    }

    /** Replaces the definition and the cursor of the schedule of that name. */
    public boolean update(Connection c, ScheduleSpec spec, String payloadJson, Instant nextFireAt) throws SQLException {
        return Jdbc.update(c, update, ps -> bindDefinition(ps, spec, payloadJson, nextFireAt)) == 1;
    }

    private void bindDefinition(java.sql.PreparedStatement ps, ScheduleSpec spec, String payloadJson, Instant nextFireAt)
            throws SQLException {
        ps.setString(1, spec.cron().expression());
        ps.setString(2, spec.cron().zone().getId());
        ps.setString(3, lower(spec.target()));
        ps.setString(4, spec.targetName());
        ps.setString(5, payloadJson);
        ps.setString(6, lower(spec.missedFirings()));
        ps.setInt(7, spec.maxCatchUp());
        ps.setString(8, lower(spec.overlap()));
        dialect.bindInstant(ps, 9, nextFireAt);
        ps.setString(10, spec.name());
    }

    public boolean pause(Connection c, String name) throws SQLException {
        return Jdbc.update(c, pause, ps -> ps.setString(1, name)) == 1;
    }

    public boolean resume(Connection c, String name, Instant nextFireAt) throws SQLException {
        return Jdbc.update(c, resume, ps -> {
            dialect.bindInstant(ps, 1, nextFireAt);
            ps.setString(2, name);
        }) == 1;
    }

    public boolean delete(Connection c, String name) throws SQLException {
        Jdbc.update(c, DELETE_FIRINGS, ps -> ps.setString(1, name));
        return Jdbc.update(c, DELETE, ps -> ps.setString(1, name)) == 1;
    }

    /** Moves the cursor if the row is still at {@code revision}; false when another process (or a change) came first. */
    public boolean claim(Connection c, long scheduleId, long revision, Instant nextFireAt) throws SQLException {
        return Jdbc.update(c, CLAIM, ps -> {
            dialect.bindInstant(ps, 1, nextFireAt);
            ps.setLong(2, scheduleId);
            ps.setLong(3, revision);
        }) == 1;
    }

    /** Records a slot as handled unless it was; returns whether this call recorded it (the one that may fire it). */
    public boolean insertFiring(Connection c, long scheduleId, Instant slot, ScheduleFiring.Outcome outcome)
            throws SQLException {
        return Jdbc.update(c, insertFiring, ps -> {
            ps.setLong(1, scheduleId);
            dialect.bindInstant(ps, 2, slot);
            ps.setString(3, lower(outcome));
        }) == 1;
    }

    public void completeFiring(Connection c, long scheduleId, Instant slot, long messageId, Long runId) throws SQLException {
        Jdbc.update(c, COMPLETE_FIRING, ps -> {
            ps.setLong(1, messageId);
            Jdbc.setNullableLong(ps, 2, runId);
            ps.setLong(3, scheduleId);
            dialect.bindInstant(ps, 4, slot);
        });
    }

    public Optional<ScheduleFiring> firing(Connection c, long scheduleId, Instant slot) throws SQLException {
        return Jdbc.queryOne(c, FIRING, ps -> {
            ps.setLong(1, scheduleId);
            dialect.bindInstant(ps, 2, slot);
        }, this::firing);
    }

    public List<ScheduleFiring> firings(Connection c, long scheduleId, int limit) throws SQLException {
        return Jdbc.query(c, FIRINGS, ps -> {
            ps.setLong(1, scheduleId);
            ps.setInt(2, limit);
        }, this::firing);
    }

    /** How many of the schedule's firings have a message that is not archived yet. */
    public long unfinishedFirings(Connection c, long scheduleId) throws SQLException {
        return Jdbc.queryLong(c, UNFINISHED_FIRINGS, ps -> ps.setLong(1, scheduleId));
    }

    public long runMessage(Connection c, long runId) throws SQLException {
        return Jdbc.queryLong(c, RUN_MESSAGE, ps -> ps.setLong(1, runId));
    }

    /** Deletes all but the newest {@code kept} firings of the schedule. */
    public int pruneFirings(Connection c, long scheduleId, int kept) throws SQLException {
        return Jdbc.update(c, PRUNE_FIRINGS, ps -> {
            ps.setLong(1, scheduleId);
            ps.setLong(2, scheduleId);
            ps.setInt(3, kept - 1);
        });
    }

    private ScheduleRow row(ResultSet rs) throws SQLException {
        ScheduleInfo info = new ScheduleInfo(rs.getString(3), rs.getString(4), ZoneId.of(rs.getString(5)),
                upper(ScheduleSpec.Target.class, rs.getString(6)), rs.getString(7), rs.getString(8),
                upper(MissedFirings.class, rs.getString(9)), rs.getInt(10), upper(OverlapPolicy.class, rs.getString(11)),
                dialect.readInstant(rs, 12), dialect.readInstant(rs, 13), dialect.readInstant(rs, 14),
                dialect.readInstant(rs, 15));
        return new ScheduleRow(rs.getLong(1), rs.getLong(2), info);
    }

    private ScheduleFiring firing(ResultSet rs) throws SQLException {
        return new ScheduleFiring(rs.getString(1), dialect.readInstant(rs, 2), dialect.readInstant(rs, 3),
                upper(ScheduleFiring.Outcome.class, rs.getString(4)), Jdbc.nullableLong(rs, 5), Jdbc.nullableLong(rs, 6));
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    private static <E extends Enum<E>> E upper(Class<E> type, String value) {
        return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
    }
}
