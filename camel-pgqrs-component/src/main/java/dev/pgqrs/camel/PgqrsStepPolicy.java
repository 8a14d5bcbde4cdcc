package dev.pgqrs.camel;

import dev.pgqrs.Store;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.spi.Policy;

/**
 * Makes a route segment a durable, idempotent step: {@code .policy(new PgqrsStepPolicy("charge-card"))}
 * in Java, {@code policy: {ref: chargeCard}} in YAML (with a bean of this class named chargeCard).
 *
 * <p>The step is keyed by (run, step name). The first time the segment completes, its resulting body
 * and the headers named by {@link #setRecordHeaders} are recorded. When the run executes again (a
 * retry after a later failure, a redelivery after a crash), the segment is skipped and the recorded
 * body and headers are restored, with {@link PgqrsConstants#STEP_REPLAYED} set. A segment that failed,
 * or had not completed when the process died, runs again: make its side effects idempotent or keep it
 * small.
 *
 * <ul>
 *   <li>In a workflow run ({@code from("pgqrs:workflow:NAME")}) the segment is a step of the run
 *       ({@code RunContext.step}): recorded in {@code pgqrs_workflow_steps}, shown by
 *       {@code store.workflows().details(runId)}, and a failing segment is retried as a step under the
 *       endpoint's retry options (the run waits for the retry without holding a thread).</li>
 *   <li>For a queue message ({@code from("pgqrs:orders")}), or any exchange whose
 *       {@link PgqrsConstants#RUN_ID} header names a run, the result is a checkpoint of that run in the
 *       store ({@code pgqrs_step_checkpoints}), deleted when the message is acknowledged or
 *       dead-lettered.</li>
 * </ul>
 */
public class PgqrsStepPolicy extends PgqrsStoreBean implements Policy {

    private String stepName;
    private String recordHeaders;

    public PgqrsStepPolicy() {
    }

    public PgqrsStepPolicy(String stepName) {
        this.stepName = stepName;
    }

    /** A step recording the headers matching {@code recordHeaders} (comma-separated names or patterns like {@code order*}). */
    public PgqrsStepPolicy(String stepName, String recordHeaders) {
        this.stepName = stepName;
        this.recordHeaders = recordHeaders;
    }

    @Override
    public void beforeWrap(Route route, NamedNode definition) {
        if (stepName == null || stepName.isBlank()) {
            throw new IllegalArgumentException("pgqrs durable step in route '" + route.getRouteId()
                    + "' has no stepName: every step needs a name unique within its run, e.g. new PgqrsStepPolicy(\"charge-card\")");
        }
        adoptContext(route.getCamelContext());
    }

    @Override
    public Processor wrap(Route route, Processor processor) {
        return new DurableStepProcessor(processor, stepName, HeaderSelection.of(recordHeaders), this::resolveStore);
    }

    private Store resolveStore() {
        return store("pgqrs durable step");
    }

    public String getStepName() {
        return stepName;
    }

    /** Name of the step, unique within a run. */
    public void setStepName(String stepName) {
        this.stepName = stepName;
    }

    public String getRecordHeaders() {
        return recordHeaders;
    }

    /** Headers recorded with the step's body and restored on replay: comma-separated names or wildcard patterns. */
    public void setRecordHeaders(String recordHeaders) {
        this.recordHeaders = recordHeaders;
    }
}
