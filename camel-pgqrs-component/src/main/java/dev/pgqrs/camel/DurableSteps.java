package dev.pgqrs.camel;

import dev.pgqrs.workflow.RunContext;
import org.apache.camel.Exchange;

/**
 * What the pgqrs consumers leave on an exchange for the durable steps in its route, and what those
 * steps leave for the consumers: the run it belongs to, and how a step ended the execution.
 */
final class DurableSteps {

    /** Exchange property: the {@link RunContext} of the workflow run the exchange executes. */
    static final String RUN_CONTEXT = PgqrsWorkflowConsumer.RUN_CONTEXT;
    /** Exchange property: the id of the queue message the exchange was consumed from. */
    static final String CONSUMED_MESSAGE = "CamelPgqrsConsumedMessage";
    /** Exchange property: the run whose checkpoints this exchange wrote or read. */
    static final String CHECKPOINTED_RUN = "CamelPgqrsCheckpointedRun";
    /** Exchange property: the error with which a runtime step ended the run's execution. */
    private static final String ENDED_EXECUTION = "CamelPgqrsEndedExecution";

    private DurableSteps() {
    }

    static String messageRunKey(long messageId) {
        return "message:" + messageId;
    }

    static String workflowRunKey(long runId) {
        return "workflow-run:" + runId;
    }

    static RunContext runContext(Exchange exchange) {
        return exchange.getProperty(RUN_CONTEXT, RunContext.class);
    }

    static Long consumedMessage(Exchange exchange) {
        return exchange.getProperty(CONSUMED_MESSAGE, Long.class);
    }

    static void markCheckpointed(Exchange exchange, String runKey) {
        exchange.setProperty(CHECKPOINTED_RUN, runKey);
    }

    /** The run whose checkpoints the exchange used, or null when it ran no durable step of a queue message. */
    static String checkpointedRun(Exchange exchange) {
        return exchange.getProperty(CHECKPOINTED_RUN, String.class);
    }

    /**
     * A runtime step ended the run's execution (the run waits for a retry or a pause, finished, or was
     * given up) by throwing {@code ended}: routing stops here, without Camel's error handling (this is
     * not a failure of the exchange), and the workflow consumer rethrows it to the runtime once the
     * route has returned.
     */
    static void endExecution(Exchange exchange, Error ended) {
        exchange.setProperty(ENDED_EXECUTION, ended);
        exchange.setRouteStop(true);
    }

    static Error endedExecution(Exchange exchange) {
        return exchange.getProperty(ENDED_EXECUTION, Error.class);
    }
}
