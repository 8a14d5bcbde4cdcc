package dev.pgqrs.camel;

import dev.pgqrs.PayloadCodec;
import dev.pgqrs.Store;
import dev.pgqrs.checkpoint.Checkpoint;
import dev.pgqrs.workflow.RunContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * The processor a {@link PgqrsStepPolicy} wraps around its segment: skip and restore, or run and
 * record. In a workflow run the segment is a step of the run ({@link RunContext#step}: recorded in
 * {@code pgqrs_workflow_steps}, retried under the run's policy); for a queue message (or any exchange
 * with a run key) it is a checkpoint in the store's {@link dev.pgqrs.checkpoint.StepCheckpoints}.
 */
final class DurableStepProcessor extends SegmentProcessor {

    private final String stepName;
    private final HeaderSelection recorded;
    private final Supplier<Store> store;

    DurableStepProcessor(Processor segment, String stepName, HeaderSelection recorded, Supplier<Store> store) {
        super(segment);
        this.stepName = stepName;
        this.recorded = recorded;
        this.store = store;
    }

    @Override
    protected void around(Exchange exchange) throws Exception {
        RunContext run = DurableSteps.runContext(exchange);
        if (run != null) {
            runStep(exchange, run);
        } else {
            checkpointedStep(exchange);
        }
    }

    /**
     * A step of a workflow run: the runtime runs the segment unless the step completed before, records
     * its result with the step, and schedules a retry (or fails the run) when the segment fails.
     */
    private void runStep(Exchange exchange, RunContext run) throws Exception {
        StepResult[] ran = new StepResult[1];
        StepResult result;
        PayloadCodec codec = store.get().codec();
        try {
            result = run.step(stepName, StepResult.class, () -> {
                runSegment(exchange);
                Exception failure = exchange.getException();
                if (failure != null) {
                    exchange.setException(null); // the runtime decides: a retry of this step, or the run's failure
                    throw failure;
                }
                if (exchange.isRollbackOnly()) {
                    throw new IllegalStateException("durable step '" + stepName + "' marked the exchange rollback-only");
                }
                ran[0] = StepResult.capture(exchange, recorded, codec);
                return ran[0];
            });
        } catch (Error ended) {
            // The run now waits (this step's retry, a pause), finished, or was given up: stop routing.
            DurableSteps.endExecution(exchange, ended);
            return;
        }
        if (result != ran[0]) {
            result.restore(exchange, stepName, codec); // completed before (or by a racing execution): replay its result
        }
    }

    /** A step of a queue message's run (or of any exchange carrying a run key), checkpointed by the store. */
    private void checkpointedStep(Exchange exchange) throws Exception {
        String runKey = exchange.getMessage().getHeader(PgqrsConstants.RUN_ID, String.class);
        if (runKey == null || runKey.isEmpty()) {
            throw new IllegalStateException("durable step '" + stepName + "' needs a run: the exchange has no "
                    + PgqrsConstants.RUN_ID + " header. Consume from a pgqrs queue or workflow endpoint, or set the "
                    + "header to a key that identifies the run (e.g. an idempotency key)");
        }
        Store s = store.get();
        Optional<Checkpoint> done = s.checkpoints().find(runKey, stepName);
        DurableSteps.markCheckpointed(exchange, runKey);
        if (done.isPresent()) {
            StepResult.of(done.get(), s.codec()).restore(exchange, stepName, s.codec());
            return;
        }
        runSegment(exchange);
        if (exchange.getException() != null || exchange.isRollbackOnly()) {
            return; // a failed step records nothing: it runs again on the next delivery
        }
        Checkpoint mine = StepResult.capture(exchange, recorded, s.codec())
                .toCheckpoint(runKey, DurableSteps.consumedMessage(exchange), stepName, s.codec());
        Checkpoint kept = s.checkpoints().record(mine);
        if (kept != mine) {
            // A concurrent delivery of the same run completed the step first: continue with its result.
            StepResult.of(kept, s.codec()).restore(exchange, stepName, s.codec());
        }
    }

    @Override
    public String toString() {
        return "DurableStep[" + stepName + "]";
    }
}
