package dev.pgqrs.camel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.pgqrs.PayloadCodec;
import dev.pgqrs.workflow.RunContext;
import dev.pgqrs.workflow.Workflow;
import dev.pgqrs.workflow.WorkflowWorker;
import dev.pgqrs.workflow.WorkflowWorkerOptions;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.StreamCache;
import org.apache.camel.support.DefaultConsumer;

import java.io.InputStream;
import java.io.Reader;
import java.time.Duration;

/**
 * Executes a workflow's runs with the route ({@code pgqrs:workflow:NAME}): a thin adapter on the
 * workflow runtime. The consumer defines a {@link Workflow} whose function runs the route for one run
 * and starts a {@link WorkflowWorker} with {@code concurrentConsumers} threads; claiming, lease
 * extension, completion, retries, pause and cancellation are the runtime's own transitions, so Camel
 * runs are ordinary runs ({@code store.workflows()} lists, cancels, resumes and details them).
 *
 * <p>For each run the route gets one exchange: the body is the run's input (as {@code bodyType}), the
 * final body is the run's output. An exchange that fails is a failed attempt of the run, retried under
 * the endpoint's retry options (a {@link dev.pgqrs.RetryPolicy}); its durable steps
 * ({@link PgqrsStepPolicy}) are the run's steps, replayed on every later attempt. The run's
 * {@link RunContext} is the exchange property {@link #RUN_CONTEXT}.
 */
public class PgqrsWorkflowConsumer extends DefaultConsumer {

    /** Exchange property holding the {@link RunContext} of the run the exchange executes. */
    public static final String RUN_CONTEXT = "CamelPgqrsRunContext";

    private volatile WorkflowWorker worker;

    public PgqrsWorkflowConsumer(PgqrsEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
    }

    /** The {@link RunContext} of the workflow run an exchange executes, or null outside a workflow run. */
    public static RunContext runContext(Exchange exchange) {
        return DurableSteps.runContext(exchange);
    }

    @Override
    public PgqrsEndpoint getEndpoint() {
        return (PgqrsEndpoint) super.getEndpoint();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        startWorker();
        PgqrsConsumerHealthCheck.register(this, () -> worker == null ? null : getEndpoint().store());
    }

    private void startWorker() {
        PgqrsConfiguration conf = getEndpoint().getConfiguration();
        Workflow<JsonNode, JsonNode> workflow = Workflow
                .define(getEndpoint().getQueueName(), JsonNode.class, JsonNode.class, this::runRoute)
                .withRetryPolicy(conf.retryPolicy())
                .withRunRetryPolicy(conf.retryPolicy());
        if (conf.getWorkflowVersion() != null) {
            workflow = workflow.withVersion(conf.getWorkflowVersion());
        }
        WorkflowWorkerOptions options = WorkflowWorkerOptions.defaults()
                .workerName(conf.getWorkerName())
                .concurrency(conf.getConcurrentConsumers())
                .leaseDuration(Duration.ofMillis(conf.getVisibilityTimeout()))
                .pollInterval(Duration.ofMillis(conf.getDelay()));
        worker = getEndpoint().store().workflows().startWorker(workflow, options);
    }

    @Override
    protected void doStop() throws Exception {
        stopWorker();
        super.doStop();
    }

    @Override
    protected void doSuspend() throws Exception {
        stopWorker();
        super.doSuspend();
    }

    @Override
    protected void doResume() throws Exception {
        super.doResume();
        startWorker();
    }

    /** Running runs reach their next step boundary (or finish) and are given back for other workers. */
    private void stopWorker() {
        WorkflowWorker w = worker;
        worker = null;
        if (w != null) {
            w.close();
        }
    }

    /** The workflow function: runs the route for one run, on the worker's thread, to its end. */
    private JsonNode runRoute(RunContext run, JsonNode input) throws Exception {
        Exchange exchange = createExchange(false);
        try {
            Message in = exchange.getIn();
            in.setBody(inputBody(input));
            in.setHeader(PgqrsConstants.WORKFLOW, run.workflow());
            in.setHeader(PgqrsConstants.WORKFLOW_RUN_ID, run.runId());
            in.setHeader(PgqrsConstants.RUN_ID, DurableSteps.workflowRunKey(run.runId()));
            exchange.setProperty(RUN_CONTEXT, run);
            try {
                getProcessor().process(exchange);
            } catch (Exception e) {
                exchange.setException(e);
            }
            Error ended = DurableSteps.endedExecution(exchange);
            if (ended != null) {
                throw ended; // a step made the run wait, or finished it: the runtime has recorded why
            }
            if (exchange.getException() != null) {
                throw exchange.getException(); // a failed attempt of the run: retried under the policy
            }
            if (exchange.isRollbackOnly() || exchange.isRollbackOnlyLast()) {
                throw new IllegalStateException("the route marked the exchange of run " + run.runId() + " rollback-only");
            }
            return output(exchange.getMessage());
        } finally {
            releaseExchange(exchange, false);
        }
    }

    private Object inputBody(JsonNode input) {
        Class<?> type = getEndpoint().getConfiguration().getBodyType();
        if (input == null || input.isNull()) {
            return null;
        }
        if (type == null || type == String.class) {
            return input.isTextual() ? input.textValue() : codec().write(input);
        }
        return type == JsonNode.class ? input : codec().convert(input, type);
    }

    /** The run's output: the final body as JSON (text that is not JSON is kept as a JSON string). */
    private JsonNode output(Message message) {
        Object body = message.getBody();
        if (body == null) {
            return null;
        }
        if (body instanceof byte[] || body instanceof InputStream || body instanceof Reader || body instanceof StreamCache) {
            body = message.getBody(String.class);
        }
        if (body instanceof String text) {
            try {
                JsonNode parsed = codec().parse(text);
                return parsed.isMissingNode() ? TextNode.valueOf(text) : parsed;
            } catch (RuntimeException notJson) {
                return TextNode.valueOf(text);
            }
        }
        return body instanceof JsonNode node ? node : codec().toTree(body);
    }

    private PayloadCodec codec() {
        return getEndpoint().store().codec();
    }
}
