package dev.pgqrs.bridge.store;

/**
 * One route of a connector on one instance, as that instance last reported it.
 *
 * @param task    the route id (the connector's name, a dot, the design's route id)
 * @param state   RUNNING, PAUSED, STOPPED, FAILED or UNASSIGNED (a source another instance runs)
 * @param trace   the last error with its stack trace, while FAILED
 */
public record TaskRecord(String connector, String task, String workerId, String state, String trace, long updatedAt) {
}
