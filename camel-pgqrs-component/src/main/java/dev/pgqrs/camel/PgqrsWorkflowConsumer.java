package dev.pgqrs.camel;

import org.apache.camel.Processor;

/** Consumes a workflow's runs (see the class body for the current state). */
public class PgqrsWorkflowConsumer extends PgqrsConsumer {

    public PgqrsWorkflowConsumer(PgqrsEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
    }
}
