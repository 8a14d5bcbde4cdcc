package dev.pgqrs.bench.workflow;

/**
 * One measured run of the workflow scenario.
 *
 * @param completed      runs recorded as SUCCESS within the timed window
 * @param stepBodies     step bodies executed (completed runs × steps when no step ran twice)
 * @param commits        transactions the server committed, the harness's own progress queries excluded (-1: unknown)
 * @param walSyncs       WAL flushes to disk (-1: unknown)
 * @param triggersDoneSeconds when the last trigger returned: near {@code seconds}, the triggers set the pace
 */
public record WorkflowMeasurement(String backend, String contender, int steps, int repeat, int runs, long completed,
                                  boolean capped, double seconds, double triggersDoneSeconds, double runsPerSec,
                                  double stepsPerSec,
                                  long stepBodies, long commits, long walSyncs, long errors, String firstError) {

    public double commitsPerStep() {
        return commits < 0 || completed == 0 ? Double.NaN : (double) commits / (completed * steps);
    }

    public double commitsPerRun() {
        return commits < 0 || completed == 0 ? Double.NaN : (double) commits / completed;
    }

    /** The share of the run's time the triggers took: 1.0 when the last run finished as the last trigger returned. */
    public double triggerShare() {
        return seconds == 0 ? Double.NaN : triggersDoneSeconds / seconds;
    }

    public double walSyncsPerStep() {
        return walSyncs < 0 || completed == 0 ? Double.NaN : (double) walSyncs / (completed * steps);
    }
}
