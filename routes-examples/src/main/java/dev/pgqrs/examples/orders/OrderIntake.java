package dev.pgqrs.examples.orders;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgqrs.Store;
import dev.pgqrs.camel.PgqrsConstants;
import dev.pgqrs.workflow.RunInfo;
import dev.pgqrs.workflow.RunStatus;
import org.apache.camel.Exchange;
import org.apache.camel.builder.Builder;
import org.apache.camel.model.ProcessorDefinition;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Takes orders in for fulfilment, whichever way they came (HTTP, a file, Kafka, the {@code orders}
 * queue): an order id seen before is a <b>duplicate</b> and is not fulfilled again; a new one starts a
 * run of {@code fulfil-order} and claims the order id for it.
 *
 * <p>The rule lives in the store ({@link OrderClaims}), so it holds across intakes, restarts and
 * processes: the order id is looked up first (a duplicate is answered with the run that has it, and no
 * run is started); a new order's run is triggered, then claims the id. Two intakes of one order that
 * race both trigger, but only one claim wins: the loser cancels its run (still queued, it never runs)
 * and answers with the winner's. A run whose intake died before its claim claims the id itself as its
 * first step, and a run that finds the id taken ends as a duplicate without doing anything, so an
 * order is fulfilled by one run only, whatever happened at intake.
 */
final class OrderIntake {

    /** Registry name. */
    static final String BEAN = "orderIntake";
    /** Where the intakes trigger fulfilment runs (the component's workflow producer). */
    static final String TRIGGER = "pgqrs:workflow:" + FulfilmentWorkflow.NAME;
    /** Header: the order's id (set by the intake routes). */
    static final String ORDER_ID = "orderId";
    /** Header: the run that fulfils the order (a new run, or the one a duplicate belongs to). */
    static final String RUN_ID = "fulfilmentRunId";
    /** Header: true when the order had been taken in before. */
    static final String DUPLICATE = "duplicateOrder";
    /** Header: the orders of a file that were taken in before ({@link Acceptance}s). */
    static final String DUPLICATES = "duplicateOrders";

    /** What the intake did with one order. */
    record Acceptance(String orderId, long runId, boolean duplicate) {
    }

    private final Store store;
    private final OrderClaims claims;

    OrderIntake(Store store, OrderClaims claims) {
        this.store = store;
        this.claims = claims;
    }

    /**
     * Appends the intake of the order in the body (JSON text, its id in header {@link #ORDER_ID}) to a
     * route: look up, trigger unless a duplicate, claim. Sets {@link #RUN_ID} and {@link #DUPLICATE}.
     */
    static ProcessorDefinition<?> acceptOne(ProcessorDefinition<?> route, OrderIntake intake) {
        return route
            .process(intake::lookUp)
            .filter(Builder.header(DUPLICATE).isEqualTo(false))
                .to(TRIGGER)
            .end()
            .process(intake::claim);
    }

    /**
     * The same for a file's orders (a {@code List<ObjectNode>} body): the new ones are triggered as one
     * batch, one transaction; {@link #DUPLICATES} lists the others. The body becomes the acceptances.
     */
    static ProcessorDefinition<?> acceptAll(ProcessorDefinition<?> route, OrderIntake intake) {
        return route
            .process(intake::lookUpAll)
            .filter(e -> !e.getMessage().getBody(List.class).isEmpty())
                .to(TRIGGER)
            .end()
            .process(intake::claimAll);
    }

    /** The run that fulfils the order, if it was taken in. */
    Optional<Long> runOf(String orderId) {
        return claims.runOf(orderId);
    }

    private void lookUp(Exchange e) {
        Optional<Long> run = claims.runOf(e.getMessage().getHeader(ORDER_ID, String.class));
        e.getMessage().setHeader(DUPLICATE, run.isPresent());
        run.ifPresent(id -> e.getMessage().setHeader(RUN_ID, id));
    }

    private void claim(Exchange e) {
        if (Boolean.TRUE.equals(e.getMessage().getHeader(DUPLICATE, Boolean.class))) {
            return;
        }
        String orderId = e.getMessage().getHeader(ORDER_ID, String.class);
        Acceptance accepted = claim(orderId, e.getMessage().getHeader(PgqrsConstants.WORKFLOW_RUN_ID, Long.class));
        e.getMessage().setHeader(RUN_ID, accepted.runId());
        e.getMessage().setHeader(DUPLICATE, accepted.duplicate());
    }

    private void lookUpAll(Exchange e) {
        @SuppressWarnings("unchecked")
        List<ObjectNode> orders = e.getMessage().getBody(List.class);
        List<ObjectNode> fresh = new ArrayList<>();
        List<Acceptance> duplicates = new ArrayList<>();
        Set<String> inThisFile = new HashSet<>();
        for (ObjectNode order : orders) {
            String orderId = order.get("orderId").asText();
            Optional<Long> run = claims.runOf(orderId);
            if (run.isPresent()) {
                duplicates.add(new Acceptance(orderId, run.get(), true));
            } else if (inThisFile.add(orderId)) {
                fresh.add(order);
            } else {
                duplicates.add(new Acceptance(orderId, -1, true)); // its run is known once the file's runs exist
            }
        }
        e.getMessage().setHeader(DUPLICATES, duplicates);
        e.getMessage().setBody(fresh);
    }

    private void claimAll(Exchange e) {
        @SuppressWarnings("unchecked")
        List<ObjectNode> fresh = e.getMessage().getBody(List.class);
        @SuppressWarnings("unchecked")
        List<Long> runs = fresh.isEmpty() ? List.of() : e.getMessage().getHeader(PgqrsConstants.WORKFLOW_RUN_IDS, List.class);
        List<Acceptance> accepted = new ArrayList<>();
        for (int i = 0; i < fresh.size(); i++) {
            accepted.add(claim(fresh.get(i).get("orderId").asText(), runs.get(i)));
        }
        @SuppressWarnings("unchecked")
        List<Acceptance> duplicates = e.getMessage().getHeader(DUPLICATES, List.class);
        List<Acceptance> resolved = new ArrayList<>();
        for (Acceptance d : duplicates) {
            resolved.add(d.runId() >= 0 ? d : new Acceptance(d.orderId(), claims.runOf(d.orderId()).orElse(-1L), true));
        }
        e.getMessage().setHeader(DUPLICATES, resolved);
        accepted.addAll(resolved);
        e.getMessage().setBody(accepted);
    }

    /** Claims the order id for the run just triggered; a claim lost to another run cancels this one. */
    private Acceptance claim(String orderId, long runId) {
        long owner = claims.claim(orderId, runId);
        if (owner != runId) {
            store.workflows().cancel(runId); // queued: it becomes CANCELLED and never runs
            return new Acceptance(orderId, owner, true);
        }
        return new Acceptance(orderId, runId, false);
    }

    /** The status of a run, for an answer ({@code QUEUED} for a run that was just triggered). */
    RunStatus statusOf(long runId) {
        return store.workflows().find(runId).map(RunInfo::status).orElse(RunStatus.QUEUED);
    }
}
