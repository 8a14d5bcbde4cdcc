package dev.pgqrs.bench.workflow;

/**
 * One measured run of the workflow scenario.
 *
 * @param completed      runs recorded as SUCCESS within the timed window
 * @param stepBodies     step bodies executed (completed runs × steps when no step ran twice)
 * @param commits        transactions the server committed, the harness's own progress queries excluded (-1: unknown)
 * @param walSyncs       WAL flushes to disk (-1: unknown)
 */
public record WorkflowMeasurement(String backend, String contender, int steps, int repeat, int runs, long completed,
                                  boolean capped, double seconds, double runsPerSec, double stepsPerSec,
                                  long stepBodies, long commits, long walSyncs, long errors, String firstError) {

    public double commitsPerStep() {
        return commits < 0 || completed == 0 ? Double.NaN : (double) commits / (completed * steps);
    }

    public double commitsPerRun() {
        return commits < 0 || completed == 0 ? Double.NaN : (double) commits / completed;
    }

    public double walSyncsPerStep() {
        return walSyncs < 0 || completed == 0 ? Double.NaN : (double) walSyncs / (completed * steps);
    }
}
