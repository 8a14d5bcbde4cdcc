package dev.pgqrs.workflow;

import dev.pgqrs.PgqrsException;

/** No workflow of that name is registered in the database. */
public class WorkflowNotFoundException extends PgqrsException {

    public WorkflowNotFoundException(String name) {
        super("workflow not found: '" + name + "'; register it first with store.workflows().register(...)");
    }
}
