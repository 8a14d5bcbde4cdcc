package dev.pgqrs.examples.orders;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgqrs.Store;
import dev.pgqrs.workflow.Workflow;
import dev.pgqrs.workflow.WorkflowWorker;
import dev.pgqrs.workflow.WorkflowWorkerOptions;
import org.apache.camel.support.service.ServiceSupport;

/**
 * Executes the fulfilment runs while the Camel context runs: a worker of the engine's workflow runtime,
 * started with the context and closed before the store (its runs reach their next step and are given
 * back for another worker, in this process after a restart or in another one).
 */
final class FulfilmentWorker extends ServiceSupport {

    private final Store store;
    private final Workflow<JsonNode, JsonNode> workflow;
    private final WorkflowWorkerOptions options;
    private volatile WorkflowWorker worker;

    FulfilmentWorker(Store store, Workflow<JsonNode, JsonNode> workflow, WorkflowWorkerOptions options) {
        this.store = store;
        this.workflow = workflow;
        this.options = options;
    }

    @Override
    protected void doStart() {
        worker = store.workflows().startWorker(workflow, options);
    }

    @Override
    protected void doStop() {
        WorkflowWorker w = worker;
        worker = null;
        if (w != null) {
            w.close();
        }
    }
}
