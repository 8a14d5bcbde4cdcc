package dev.pgqrs.camel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgqrs.Consumer;
import dev.pgqrs.Message;
import dev.pgqrs.Store;
import dev.pgqrs.checkpoint.WorkflowRunLedger;
import dev.pgqrs.payload.Json;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.StreamCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.time.Duration;
import java.util.List;

/**
 * Consumes a workflow's runs ({@code pgqrs:workflow:NAME}): every message of the workflow's queue
 * is one run, recorded in {@code pgqrs_workflow_runs}. The exchange's body is the run's input; the
 * run completes (SUCCESS, output = the final body) when the exchange completes, in the transaction
 * that acknowledges the message. A failed exchange is retried like any consumed message; after
 * maxAttempts the run ends in ERROR. Durable steps in the route checkpoint under the run
 * ({@code workflow-run:ID}).
 */
public class PgqrsWorkflowConsumer extends PgqrsConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(PgqrsWorkflowConsumer.class);
    private static final String RUN_PROPERTY = "CamelPgqrsWorkflowRun";

    private WorkflowRunLedger ledger;
    private WorkflowRunLedger.WorkflowRef workflow;

    public PgqrsWorkflowConsumer(PgqrsEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
    }

    @Override
    protected Consumer openLeases() {
        Store store = getEndpoint().store();
        if (ledger == null) {
            ledger = new WorkflowRunLedger(store);
            workflow = ledger.ensureWorkflow(getEndpoint().getQueueName());
        }
        return super.openLeases();
    }

    @Override
    protected Exchange createExchange(Message message) {
        JsonNode payload = message.payload();
        JsonNode input = payload.has("input") ? payload.get("input") : payload;
        WorkflowRunLedger.RunStart run = ledger.start(workflow, message, Json.write(input), leases().workerId());
        if (run.alreadyFinished()) {
            // Finished, but its message was not acknowledged (e.g. a crash between the two): just settle it.
            leases().archive(message.id());
            return null;
        }
        Exchange exchange = super.createExchange(message);
        exchange.getIn().setBody(inputBody(input));
        exchange.getIn().setHeader(PgqrsConstants.RUN_ID, DurableSteps.workflowRunKey(run.runId()));
        exchange.getIn().setHeader(PgqrsConstants.WORKFLOW, workflow.name());
        exchange.setProperty(RUN_PROPERTY, run.runId());
        return exchange;
    }

    private Object inputBody(JsonNode input) {
        Class<?> type = conf().getBodyType();
        if (type == null || type == String.class) {
            return input.isTextual() ? input.textValue() : Json.write(input);
        }
        return type == JsonNode.class ? input : Json.convert(input, type);
    }

    @Override
    protected void onCompleted(Message message, Exchange exchange) {
        long runId = exchange.getProperty(RUN_PROPERTY, Long.class);
        String output = outputJson(exchange);
        List<Long> ids = List.of(message.id());
        Store store = getEndpoint().store();
        List<Long> settled = store.database().transaction("complete run " + runId, c -> {
            List<Long> done = conf().getAckMode() == AckMode.DELETE ? leases().delete(c, ids) : leases().archive(c, ids);
            if (!done.isEmpty()) {
                ledger.complete(c, runId, output);
                store.checkpoints().forget(c, DurableSteps.workflowRunKey(runId));
            }
            return done;
        });
        if (settled.isEmpty()) {
            LOG.warn("run {} of workflow '{}' completed after its lease was lost; it is being run again elsewhere",
                    runId, workflow.name());
        }
    }

    @Override
    protected void onFailed(Message message, Exchange exchange) {
        long runId = exchange.getProperty(RUN_PROPERTY, Long.class);
        String error = MessageSettler.describe(exchange.getException());
        int attempts = message.readCount();
        boolean terminal = attempts >= conf().getMaxAttempts();
        ObjectNode errorJson = Json.MAPPER.createObjectNode().put("message", error).put("attempts", attempts);
        Store store = getEndpoint().store();
        if (terminal) {
            store.database().transaction("fail run " + runId, c -> {
                List<Long> done = leases().archive(c, List.of(message.id()));
                if (!done.isEmpty()) {
                    ledger.fail(c, runId, Json.write(errorJson), true);
                }
                return done;
            });
            LOG.warn("run {} of workflow '{}' failed {} time(s): ERROR ({})", runId, workflow.name(), attempts, error);
            return;
        }
        store.database().transaction("record failure of run " + runId, c -> {
            ledger.fail(c, runId, Json.write(errorJson), false);
            return null;
        });
        leases().release(List.of(message.id()), Duration.ofMillis(conf().retryDelayAfter(attempts)), error);
    }

    private static String outputJson(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        if (body == null) {
            return "null";
        }
        if (body instanceof String text) {
            try {
                return Json.write(Json.parse(text));
            } catch (RuntimeException notJson) {
                return Json.write(text);
            }
        }
        if (body instanceof byte[] || body instanceof InputStream || body instanceof StreamCache) {
            return Json.write(exchange.getMessage().getBody(String.class));
        }
        return Json.write(body);
    }
}
