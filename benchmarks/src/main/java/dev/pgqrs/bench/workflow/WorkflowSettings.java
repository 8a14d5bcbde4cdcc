package dev.pgqrs.bench.workflow;

import java.time.Duration;

/**
 * @param runs            runs triggered per measured run of the scenario
 * @param concurrency     runs executing at once (worker threads), the same for every contender
 * @param triggerThreads  threads triggering runs, so trigger commits overlap as in an application
 * @param maxRunTime      cap of one measured run; a capped run reports rates over what completed
 * @param warmupRuns      runs of one unrecorded warm-up per contender and backend
 * @param historyRuns     runs completed in each measured run's own tables before its clock starts, which are then
 *                        settled (vacuumed and analysed, as autovacuum leaves a deployment's tables after its first
 *                        minute); 0 times the engines on tables that were never analysed
 */
public record WorkflowSettings(int runs, int concurrency, int triggerThreads, Duration maxRunTime, int warmupRuns,
                               int historyRuns) {
}
