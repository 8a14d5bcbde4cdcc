package dev.pgqrs;

import java.util.Map;

/**
 * Store-wide counts.
 *
 * @param workersByStatus worker rows per status
 * @param staleWorkers    workers not stopped whose heartbeat is older than the stale timeout
 */
public record SystemStats(long queues, long workers, long activeWorkers, Map<WorkerStatus, Long> workersByStatus,
                          long staleWorkers) {
}
