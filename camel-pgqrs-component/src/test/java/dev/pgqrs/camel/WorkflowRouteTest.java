package dev.pgqrs.camel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgqrs.payload.Json;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.workflow.PauseRunException;
import dev.pgqrs.workflow.RunDetails;
import dev.pgqrs.workflow.RunFailedException;
import dev.pgqrs.workflow.RunInfo;
import dev.pgqrs.workflow.RunStatus;
import dev.pgqrs.workflow.StepInfo;
import dev.pgqrs.workflow.Workflow;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.spi.Registry;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * pgqrs:workflow:NAME on the workflow runtime: the producer triggers runs, the consumer executes each
 * run with the route, and the runs are ordinary runs of the runtime (queries, retries, cancel, pause).
 */
class WorkflowRouteTest extends PgqrsCamelTestSupport {

    private static final Duration AWAIT = Duration.ofSeconds(15);

    private final AtomicInteger shipments = new AtomicInteger();
    private final AtomicInteger invoiceAttempts = new AtomicInteger();
    private final AtomicInteger doomedExecutions = new AtomicInteger();
    private final AtomicInteger chargeAttempts = new AtomicInteger();
    private final List<String> laterInputs = new CopyOnWriteArrayList<>();
    private final CountDownLatch packing = new CountDownLatch(1);
    private final CountDownLatch packed = new CountDownLatch(1);
    private final AtomicInteger labels = new AtomicInteger();
    private final AtomicInteger approvals = new AtomicInteger();
    private final List<String> hopThreads = new CopyOnWriteArrayList<>();

    @Override
    protected void bindToRegistry(Registry registry) throws Exception {
        super.bindToRegistry(registry);
        registry.bind("pgqrsTx", new PgqrsTransactionPolicy(store));
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("pgqrs:workflow:fulfil?bodyType=com.fasterxml.jackson.databind.JsonNode&maxAttempts=3&retryDelay=50")
                        .policy(new PgqrsStepPolicy("ship", "carrier"))
                            .process(e -> {
                                shipments.incrementAndGet();
                                JsonNode in = e.getMessage().getBody(JsonNode.class);
                                e.getMessage().setBody(Map.of("order", in.get("order").asInt(), "shipped", true));
                                e.getMessage().setHeader("carrier", "DHL");
                            })
                        .end()
                        .process(e -> {
                            if (invoiceAttempts.incrementAndGet() == 1) {
                                throw new IllegalStateException("invoicing down");
                            }
                        })
                        .to("mock:fulfilled");
                from("pgqrs:workflow:doomed?maxAttempts=3&retryDelay=20")
                        .process(e -> doomedExecutions.incrementAndGet())
                        .throwException(new IllegalArgumentException("bad order"));
                from("pgqrs:workflow:billing?maxAttempts=3&retryDelay=20")
                        .policy(new PgqrsStepPolicy("charge"))
                            .process(e -> {
                                if (chargeAttempts.incrementAndGet() < 3) {
                                    throw new IllegalStateException("gateway timeout");
                                }
                                e.getMessage().setBody("charged");
                            })
                        .end();
                from("pgqrs:workflow:later?delay=50")
                        .process(e -> laterInputs.add(e.getMessage().getBody(String.class)));
                from("pgqrs:workflow:packing")
                        .policy(new PgqrsStepPolicy("pack"))
                            .process(e -> {
                                packing.countDown();
                                packed.await(AWAIT.toSeconds(), TimeUnit.SECONDS);
                            })
                        .end()
                        .policy(new PgqrsStepPolicy("label"))
                            .process(e -> labels.incrementAndGet())
                        .end();
                from("pgqrs:workflow:approval")
                        .process(e -> {
                            if (approvals.incrementAndGet() == 1) {
                                throw PauseRunException.untilResumed("needs sign-off");
                            }
                        })
                        .process(e -> e.getMessage().setBody(Map.of("approved", true,
                                "run", PgqrsWorkflowConsumer.runContext(e).runId())));
                from("pgqrs:workflow:hopping")
                        .process(e -> hopThreads.add(Thread.currentThread().getName()))
                        .threads(1)
                        .process(e -> hopThreads.add(Thread.currentThread().getName()))
                        .policy(new PgqrsStepPolicy("after-hop"))
                            .transform(constant("hopped"))
                        .end();
                from("direct:checkout")
                        .transacted("pgqrsTx")
                        .to("pgqrs:workflow:later")
                        .process(e -> {
                            if (e.getIn().getHeader("fail", false, Boolean.class)) {
                                throw new IllegalStateException("checkout failed");
                            }
                        });
            }
        };
    }

    @ConformanceTest
    void aCamelRunIsAnOrdinaryRunShowingItsRouteStepsAndAttempts() throws Exception {
        MockEndpoint fulfilled = getMockEndpoint("mock:fulfilled");
        fulfilled.expectedMessageCount(1);

        Exchange sent = template.request("pgqrs:workflow:fulfil", e -> e.getIn().setBody(Map.of("order", 12)));
        long runId = sent.getMessage().getHeader(PgqrsConstants.WORKFLOW_RUN_ID, Long.class);

        JsonNode output = store.workflows().handle(runId, JsonNode.class).await(AWAIT);
        assertThat(output).isEqualTo(Json.parse("{\"order\":12,\"shipped\":true}"));
        fulfilled.assertIsSatisfied(5_000);
        Exchange run = fulfilled.getReceivedExchanges().get(0);
        assertThat(run.getIn().getHeader(PgqrsConstants.WORKFLOW)).isEqualTo("fulfil");
        assertThat(run.getIn().getHeader(PgqrsConstants.WORKFLOW_RUN_ID)).isEqualTo(runId);
        assertThat(run.getIn().getHeader(PgqrsConstants.RUN_ID)).isEqualTo("workflow-run:" + runId);
        assertThat(run.getIn().getHeader("carrier")).as("recorded header restored on replay").isEqualTo("DHL");
        assertThat(run.getIn().getHeader(PgqrsConstants.STEP_REPLAYED)).isEqualTo(true);
        assertThat(shipments.get()).as("the ship step ran once across the failure and the retry").isEqualTo(1);
        assertThat(invoiceAttempts.get()).isEqualTo(2);

        RunDetails details = store.workflows().details(runId);
        assertThat(details.run().status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(details.run().input()).isEqualTo(Json.parse("{\"order\":12}"));
        assertThat(details.steps()).extracting(StepInfo::name).containsExactly("ship", Workflow.RUN_ATTEMPTS_STEP);
        StepInfo ship = details.step("ship").orElseThrow();
        assertThat(ship.status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(ship.attempts()).isEqualTo(1);
        assertThat(ship.output().get("body")).isEqualTo(Json.parse("{\"order\":12,\"shipped\":true}"));
        assertThat(ship.output().get("headers").get("carrier").asText()).isEqualTo("DHL");
        StepInfo attempts = details.step(Workflow.RUN_ATTEMPTS_STEP).orElseThrow();
        assertThat(attempts.status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(attempts.attempts()).isEqualTo(2);
        assertThat(attempts.errorMessage()).isEqualTo("IllegalStateException: invoicing down");
        assertThat(store.workflows().list("fulfil", RunStatus.SUCCESS, 10)).extracting(RunInfo::id).containsExactly(runId);
        assertThat(store.queues().metrics("fulfil").archived()).isEqualTo(1);
    }

    @ConformanceTest
    void aFailingRouteIsRetriedPerPolicyThenTheRunFailsWithRetriesExhausted() throws Exception {
        Exchange sent = template.request("pgqrs:workflow:doomed", e -> e.getIn().setBody("{\"order\": 13}"));
        long runId = sent.getMessage().getHeader(PgqrsConstants.WORKFLOW_RUN_ID, Long.class);

        assertThatThrownBy(() -> store.workflows().handle(runId, JsonNode.class).await(AWAIT))
                .isInstanceOf(RunFailedException.class)
                .hasMessageContaining("retries exhausted: workflow 'doomed' failed 3 attempts; "
                        + "last error: IllegalArgumentException: bad order");
        // The run is finished: no worker executes it again (its message is archived with its final status).
        assertThat(doomedExecutions.get()).as("maxAttempts executions of the route, no more").isEqualTo(3);
        RunDetails details = store.workflows().details(runId);
        assertThat(details.run().status()).isEqualTo(RunStatus.ERROR);
        assertThat(details.run().error().isTextual()).as("the run's error is its text, as pgqrs writes it").isTrue();
        assertThat(details.run().errorMessage()).startsWith("retries exhausted").contains("failed 3 attempts");
        StepInfo attempts = details.step(Workflow.RUN_ATTEMPTS_STEP).orElseThrow();
        assertThat(attempts.retryCount()).isEqualTo(3);
        assertThat(attempts.retryAt()).isNull();
        assertThat(store.queues().metrics("doomed").archived()).isEqualTo(1);
    }

    @ConformanceTest
    void aFailingDurableStepIsRetriedAsAStepOfTheRun() throws Exception {
        long runId = triggered(template.request("pgqrs:workflow:billing", e -> e.getIn().setBody("{\"invoice\": 1}")));

        assertThat(store.workflows().handle(runId, JsonNode.class).await(AWAIT).asText()).isEqualTo("charged");
        assertThat(chargeAttempts.get()).isEqualTo(3);
        RunDetails details = store.workflows().details(runId);
        assertThat(details.steps()).extracting(StepInfo::name).as("the route itself never failed").containsExactly("charge");
        assertThat(details.step("charge").orElseThrow().attempts()).isEqualTo(3);
        assertThat(details.step("charge").orElseThrow().errorMessage()).isEqualTo("IllegalStateException: gateway timeout");
    }

    @ConformanceTest
    void cancellingAQueuedRunMeansItsRouteNeverRuns() throws Exception {
        long cancelled = triggered(template.request("pgqrs:workflow:later", e -> {
            e.getIn().setBody("\"cancelled\"");
            e.getIn().setHeader(PgqrsConstants.DELIVERY_DELAY, Duration.ofHours(1));
        }));
        assertThat(store.workflows().get(cancelled).status()).isEqualTo(RunStatus.QUEUED);

        assertThat(store.workflows().cancel(cancelled)).as("a worker ends the run when it next claims it")
                .isEqualTo(RunStatus.CANCELLING);
        backend.makeAllDue(); // its delay is over: the worker claims it now

        long kept = triggered(template.request("pgqrs:workflow:later", e -> e.getIn().setBody("\"kept\"")));
        store.workflows().handle(kept, JsonNode.class).await(AWAIT);
        await().atMost(AWAIT).untilAsserted(() -> {
            assertThat(store.workflows().get(cancelled).status()).isEqualTo(RunStatus.CANCELLED);
            assertThat(store.queues().metrics("later").archived()).isEqualTo(2);
        });
        assertThat(laterInputs).containsExactly("kept");
    }

    @ConformanceTest
    void cancellingARunningRunStopsItsRouteAtTheNextDurableStep() throws Exception {
        long runId = triggered(template.request("pgqrs:workflow:packing", e -> e.getIn().setBody("{\"box\": 1}")));
        assertThat(packing.await(AWAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        assertThat(store.workflows().cancel(runId)).isEqualTo(RunStatus.CANCELLING);
        packed.countDown();

        await().atMost(AWAIT).until(() -> store.workflows().get(runId).status() == RunStatus.CANCELLED);
        RunDetails details = store.workflows().details(runId);
        assertThat(details.steps()).extracting(StepInfo::name).as("the step in flight finished").containsExactly("pack");
        assertThat(labels.get()).as("the next step never ran").isZero();
    }

    @ConformanceTest
    void aRouteThatPausesItsRunContinuesWhenTheRunIsResumed() throws Exception {
        long runId = triggered(template.request("pgqrs:workflow:approval", e -> e.getIn().setBody("{\"amount\": 900}")));
        await().atMost(AWAIT).until(() -> store.workflows().get(runId).status() == RunStatus.PAUSED);
        assertThat(approvals.get()).isEqualTo(1);

        assertThat(store.workflows().resume(runId)).isTrue();

        JsonNode output = store.workflows().handle(runId, JsonNode.class).await(AWAIT);
        assertThat(output.get("approved").asBoolean()).isTrue();
        assertThat(output.get("run").asLong()).as("the RunContext travels on the exchange").isEqualTo(runId);
        assertThat(approvals.get()).isEqualTo(2);
    }

    @ConformanceTest
    void durableStepsWorkAfterTheRouteContinuedOnAnotherThread() throws Exception {
        long runId = triggered(template.request("pgqrs:workflow:hopping", e -> e.getIn().setBody("{\"n\": 1}")));

        assertThat(store.workflows().handle(runId, JsonNode.class).await(AWAIT).asText()).isEqualTo("hopped");
        assertThat(hopThreads).hasSize(2);
        assertThat(hopThreads.get(1)).isNotEqualTo(hopThreads.get(0));
        assertThat(store.workflows().details(runId).step("after-hop").orElseThrow().status()).isEqualTo(RunStatus.SUCCESS);
    }

    @ConformanceTest
    void aTriggerInATransactedRouteCommitsAndRollsBackWithIt() throws Exception {
        Exchange failed = template.send("direct:checkout", e -> {
            e.getIn().setBody("\"rolled back\"");
            e.getIn().setHeader("fail", true);
        });
        assertThat(failed.getException()).hasMessageContaining("checkout failed");
        Exchange committed = template.send("direct:checkout", e -> e.getIn().setBody("\"committed\""));
        long runId = triggered(committed);

        store.workflows().handle(runId, JsonNode.class).await(AWAIT);
        assertThat(store.workflows().list("later", 10)).extracting(RunInfo::id).containsExactly(runId);
        assertThat(laterInputs).containsExactly("committed");
    }

    @ConformanceTest
    void aListTriggersOneRunPerElement() throws Exception {
        Exchange sent = template.request("pgqrs:workflow:later",
                e -> e.getIn().setBody(List.of(Map.of("n", 1), Map.of("n", 2))));
        @SuppressWarnings("unchecked")
        List<Long> ids = sent.getMessage().getHeader(PgqrsConstants.WORKFLOW_RUN_IDS, List.class);

        assertThat(ids).hasSize(2);
        for (long id : ids) {
            store.workflows().handle(id, JsonNode.class).await(AWAIT);
        }
        assertThat(laterInputs).containsExactlyInAnyOrder("{\"n\":1}", "{\"n\":2}");
    }

    private static long triggered(Exchange sent) {
        assertThat(sent.getException()).isNull();
        return sent.getMessage().getHeader(PgqrsConstants.WORKFLOW_RUN_ID, Long.class);
    }
}
