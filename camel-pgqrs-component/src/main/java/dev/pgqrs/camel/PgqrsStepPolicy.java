package dev.pgqrs.camel;

import dev.pgqrs.Store;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.spi.Policy;

/**
 * Makes a route segment a durable, idempotent step: {@code .policy(new PgqrsStepPolicy("charge-card"))}
 * in Java, {@code policy: {ref: chargeCard}} in YAML (with a bean of this class named chargeCard).
 *
 * <p>The step is keyed by (run, step name), the run being the exchange's
 * {@link PgqrsConstants#RUN_ID} header (set by the pgqrs consumer: one run per message or per
 * workflow run). The first time the segment completes, its resulting body and the headers named by
 * {@link #setRecordHeaders} are recorded. When the run is delivered again (a retry after a later
 * failure, a redelivery after a crash), the segment is skipped and the recorded body and headers
 * are restored, with {@link PgqrsConstants#STEP_REPLAYED} set. A segment that failed, or had not
 * completed when the process died, runs again: make its side effects idempotent or keep it small.
 */
public class PgqrsStepPolicy implements Policy, CamelContextAware {

    private String stepName;
    private String recordHeaders;
    private Store store;
    private CamelContext camelContext;

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
        if (camelContext == null) {
            camelContext = route.getCamelContext();
        }
    }

    @Override
    public Processor wrap(Route route, Processor processor) {
        return new DurableStepProcessor(processor, stepName, HeaderSelection.of(recordHeaders), this::resolveStore);
    }

    private Store resolveStore() {
        if (store != null) {
            return store;
        }
        PgqrsComponent component = camelContext.getComponent("pgqrs", PgqrsComponent.class);
        return component.storeFor(null);
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

    public Store getStore() {
        return store;
    }

    /** The store of the checkpoints; by default the pgqrs component's store. */
    public void setStore(Store store) {
        this.store = store;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }
}
