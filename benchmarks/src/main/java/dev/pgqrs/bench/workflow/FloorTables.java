package dev.pgqrs.bench.workflow;

import dev.pgqrs.bench.db.DatabaseSlot;
import dev.pgqrs.config.Backend;

import java.sql.SQLException;

/** Where a floor keeps its runs and steps: the tables, and the one statement each of a run's writes takes. */
interface FloorTables {

    boolean supports(Backend backend);

    /** Creates (or finds) the tables in the slot before the first run. */
    void create(DatabaseSlot slot, int steps) throws Exception;

    /** A run's creation, in a commit of its own: pending for a worker to claim, or running already. */
    FloorRun insertRun(FloorSession session, int input, boolean pending) throws SQLException;

    /** The oldest pending run, claimed in a commit of its own; {@code null} when none is pending. */
    FloorRun claim(FloorSession session) throws SQLException;

    /** A step's output, in a commit of its own. */
    void checkpoint(FloorSession session, FloorRun run, int step, int output) throws SQLException;

    /** The last step's output and the run's completion, in one commit. */
    void finish(FloorSession session, FloorRun run, int step, int output, int result) throws SQLException;

    String succeededQuery();

    /** A run as its writes need it: its id, the message that carries it (0 where none does) and its input. */
    record FloorRun(long id, long message, int input) {
    }
}
