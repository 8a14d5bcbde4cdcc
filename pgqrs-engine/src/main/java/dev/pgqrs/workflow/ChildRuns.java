package dev.pgqrs.workflow;

import dev.pgqrs.RetryPolicy;
import dev.pgqrs.store.WorkflowRepository.RunFields;
import dev.pgqrs.store.WorkflowRepository.WorkflowRow;

import java.lang.reflect.Type;
import java.time.Instant;

/**
 * Child runs started from steps of one execution. The step that starts a child is a wait like a
 * {@code recv}: the first time, the child's run is triggered and the step records the child's id in the same
 * transaction, and the execution ends (the parent holds no thread while the child runs); the child, when it
 * finishes, wakes the parent, whose next execution finds the child's id in the step and reads its outcome —
 * so a re-run of the step never starts a second child, across crashes and restarts.
 *
 * <p>The child's output becomes the step's output. A child that fails or is cancelled fails the step for good
 * ({@link ChildRunFailedException}), not retried under the parent's policy: a retry would start another child,
 * and the child's own steps have retried already. The child inherits the parent's deadline.
 */
final class ChildRuns {

    /** Resolves a workflow for a trigger: its row, and the trigger payload of an input. */
    interface Triggers {
        WorkflowRow workflow(String name);

        String payload(Object input);
    }

    private final StepRunner steps;
    private final RunCheckpoints checkpoints;
    private final Triggers triggers;
    private final long runId;

    ChildRuns(StepRunner steps, RunCheckpoints checkpoints, Triggers triggers, long runId) {
        this.steps = steps;
        this.checkpoints = checkpoints;
        this.triggers = triggers;
        this.runId = runId;
    }

    <T> T run(String step, String workflow, String version, Object input, Type outputType) {
        StepInfo row = steps.enter(step);
        if (row != null && row.status() == RunStatus.SUCCESS) {
            return steps.read(row, outputType);
        }
        Long childId = row == null ? null : WorkflowDocuments.childRunId(row.inputJson());
        if (childId == null) {
            WorkflowRow child = triggers.workflow(workflow);
            String payload = triggers.payload(input);
            steps.prepareAttempt(step, row);
            Instant deadline = checkpoints.deadlineAt();
            RunFields fields = new RunFields(version, deadline == null ? null : deadline.toEpochMilli(), null, runId, step,
                    null, null);
            throw checkpoints.startChild(step, child, payload, fields);
        }
        RunInfo child = checkpoints.run(childId).orElseThrow(() -> new RunNotFoundException(childId));
        switch (child.status()) {
            case SUCCESS: {
                var commit = checkpoints.completeStep(step, child.outputJson(), 0);
                if (commit.alreadyRecorded() != null) {
                    return steps.read(commit.alreadyRecorded(), outputType);
                }
                T value = child.outputJson() == null ? null : steps.readJson(step, child.outputJson(), outputType);
                return steps.afterCommit(commit, value, outputType);
            }
            case ERROR:
            case CANCELLED: {
                StepFailure failure = StepFailure.of(step, RetryPolicy.DEFAULT, new ChildRunFailedException(step, child), 1);
                throw checkpoints.failedAttempt(step, failure, 1, 0);
            }
            default:
                // Not finished: woken early (or by its own wake-up racing ours); wait again, parked until the child wakes it.
                throw checkpoints.await(step, RunStatus.RUNNING, null);
        }
    }
}
