package dev.pgqrs.fault;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What became of every run of {@link FaultFlow}, read from the database after a fault test: its status
 * and output, its message's deliveries, and how many times each step's side effect was recorded in
 * {@code fault_steps}.
 */
public final class RunLedger {

    /** One run. */
    public record Run(long id, String status, String output, int deliveries, boolean archived, long a, long b, long c) {

        boolean finishedRight() {
            return status.equals("SUCCESS") && "\"ABC\"".equals(output) && archived;
        }
    }

    private final Map<Long, Run> runs = new TreeMap<>();

    private RunLedger() {
    }

    public static RunLedger read(FaultBackend db) {
        RunLedger ledger = new RunLedger();
        String effects = "(SELECT count(*) FROM fault_steps s WHERE s.run_id = r.id AND s.step = '%s')";
        for (Object[] r : db.query("SELECT r.id, CAST(r.status AS TEXT), CAST(r.output AS TEXT), m.read_ct,"
                + " CASE WHEN m.archived_at IS NOT NULL THEN 1 ELSE 0 END, "
                + effects.formatted("a") + ", " + effects.formatted("b") + ", " + effects.formatted("c")
                + " FROM pgqrs_workflow_runs r JOIN pgqrs_messages m ON m.id = r.message_id")) {
            long id = ((Number) r[0]).longValue();
            ledger.runs.put(id, new Run(id, String.valueOf(r[1]), r[2] == null ? null : r[2].toString().replace(" ", ""),
                    ((Number) r[3]).intValue(), ((Number) r[4]).intValue() == 1, ((Number) r[5]).longValue(),
                    ((Number) r[6]).longValue(), ((Number) r[7]).longValue()));
        }
        return ledger;
    }

    public int size() {
        return runs.size();
    }

    public Collection<Run> runs() {
        return runs.values();
    }

    /** Confirmed triggers whose run is missing or did not finish with SUCCESS and "ABC", its message archived. */
    public List<Long> notFinished(Collection<Long> confirmedRunIds) {
        return confirmedRunIds.stream().filter(id -> runs.get(id) == null || !runs.get(id).finishedRight()).toList();
    }

    /** Runs (of any trigger) that are not finished right. */
    public List<Run> stuckOrFailed() {
        return runs.values().stream().filter(r -> !r.finishedRight()).toList();
    }

    /** Runs whose transactional step's write is not there exactly once. */
    public List<Run> transactionalNotExactlyOnce() {
        return runs.values().stream().filter(r -> r.b() != 1).toList();
    }

    /** Runs where a plain step's effect is missing, or recorded more often than the run was delivered. */
    public List<Run> plainStepsOutOfBounds() {
        return runs.values().stream().filter(r -> r.a() < 1 || r.c() < 1 || r.a() > r.deliveries() || r.c() > r.deliveries())
                .toList();
    }

    /** Plain-step effects beyond the first (at-least-once repeats), summed over runs. */
    public long repeatedPlainEffects() {
        return runs.values().stream().mapToLong(r -> Math.max(0, r.a() - 1) + Math.max(0, r.c() - 1)).sum();
    }

    /** Runs delivered more than once. */
    public long redelivered() {
        return runs.values().stream().filter(r -> r.deliveries() > 1).count();
    }
}
