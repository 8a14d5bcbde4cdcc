package dev.pgqrs.camel;

import org.apache.camel.Exchange;

/** Run keys of durable exchanges, and the mark a durable step leaves on its exchange. */
final class DurableSteps {

    /** Exchange property: the run whose checkpoints this exchange wrote or read. */
    static final String CHECKPOINTED_RUN = "CamelPgqrsCheckpointedRun";

    private DurableSteps() {
    }

    static String messageRunKey(long messageId) {
        return "message:" + messageId;
    }

    static String workflowRunKey(long runId) {
        return "workflow-run:" + runId;
    }

    static void markCheckpointed(Exchange exchange, String runKey) {
        exchange.setProperty(CHECKPOINTED_RUN, runKey);
    }

    /** The run whose checkpoints the exchange used, or null when it ran no durable step. */
    static String checkpointedRun(Exchange exchange) {
        return exchange.getProperty(CHECKPOINTED_RUN, String.class);
    }
}
