package dev.pgqrs.camel;

import dev.pgqrs.testing.ConformanceTest;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Durable route steps: a completed step is skipped on replay and its result restored; a failed one runs again. */
class DurableStepRouteTest extends PgqrsCamelTestSupport {

    private final AtomicInteger reservations = new AtomicInteger();
    private final AtomicInteger charges = new AtomicInteger();
    private final AtomicInteger nonDurable = new AtomicInteger();
    private final AtomicInteger remembered = new AtomicInteger();

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("pgqrs:orders?maxAttempts=3&retryDelay=50&delay=50&idleDelayFactor=1")
                        .process(e -> nonDurable.incrementAndGet())
                        .policy(new PgqrsStepPolicy("reserve-stock", "reservationId"))
                            .process(e -> {
                                int n = reservations.incrementAndGet();
                                e.getMessage().setBody("reserved-" + n);
                                e.getMessage().setHeader("reservationId", "R-" + n);
                                e.getMessage().setHeader("notRecorded", "x-" + n);
                            })
                        .end()
                        .policy(new PgqrsStepPolicy("charge-card"))
                            .process(e -> {
                                if (charges.incrementAndGet() == 1) {
                                    throw new IllegalStateException("gateway timeout");
                                }
                                e.getMessage().setBody(e.getMessage().getBody(String.class) + "|charged");
                            })
                        .end()
                        .to("mock:done");
                // Dead-lettered after two deliveries, in place and moved to a dead-letter queue.
                from("pgqrs:poison?maxAttempts=2&retryDelay=10&delay=50&idleDelayFactor=1")
                        .policy(new PgqrsStepPolicy("remember"))
                            .process(e -> remembered.incrementAndGet())
                        .end()
                        .throwException(new IllegalStateException("cannot be processed"));
                from("pgqrs:poison-moved?maxAttempts=2&retryDelay=10&delay=50&idleDelayFactor=1&deadLetterQueue=poison-dlq")
                        .policy(new PgqrsStepPolicy("remember"))
                            .process(e -> remembered.incrementAndGet())
                        .end()
                        .throwException(new IllegalStateException("cannot be processed"));
            }
        };
    }

    @ConformanceTest
    void aCompletedStepIsSkippedOnReplayAndItsBodyAndHeadersRestored() throws Exception {
        MockEndpoint done = getMockEndpoint("mock:done");
        done.expectedMessageCount(1);

        Exchange sent = template.request("pgqrs:orders", e -> e.getIn().setBody(Map.of("order", 7)));
        long id = sent.getMessage().getHeader(PgqrsConstants.MESSAGE_ID, Long.class);

        done.assertIsSatisfied(10_000);
        Exchange result = done.getReceivedExchanges().get(0);
        assertThat(result.getIn().getHeader(PgqrsConstants.READ_COUNT)).isEqualTo(2);
        assertThat(result.getIn().getBody(String.class)).isEqualTo("reserved-1|charged");
        assertThat(result.getIn().getHeader("reservationId")).isEqualTo("R-1");
        assertThat(result.getIn().getHeader("notRecorded")).as("only chosen headers are restored").isNull();
        assertThat(result.getIn().getHeader(PgqrsConstants.STEP_REPLAYED)).isEqualTo(true);
        assertThat(reservations.get()).as("the completed step ran once").isEqualTo(1);
        assertThat(charges.get()).as("the failed step ran again").isEqualTo(2);
        assertThat(nonDurable.get()).as("what is outside a step runs on every delivery").isEqualTo(2);

        // The run completed: the message is acknowledged and its checkpoints are gone with it.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(store.queues().metrics("orders").archived()).isEqualTo(1);
            assertThat(store.checkpoints().find("message:" + id, "reserve-stock")).isEmpty();
        });
    }

    @ConformanceTest
    void deadLetteringAMessageEndsItsRunAndDeletesItsCheckpoints() throws Exception {
        long inPlace = store.enqueue("poison", Map.of("order", 8));
        long moved = store.enqueue("poison-moved", Map.of("order", 9));

        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(store.deadLetters().list("poison", 10)).extracting(dev.pgqrs.Message::id).containsExactly(inPlace);
            assertThat(store.queues().metrics("poison-dlq").pending()).isEqualTo(1);
        });
        assertThat(remembered.get()).as("the step ran once per message, replayed on the second delivery").isEqualTo(2);
        assertThat(store.checkpoints().find("message:" + inPlace, "remember")).isEmpty();
        assertThat(store.checkpoints().find("message:" + moved, "remember")).isEmpty();
    }

    @ConformanceTest
    void aStepOutsideAnyRunFailsWithWhatToDo() {
        Exchange failed = template.send("direct:noRun", e -> e.getIn().setBody("x"));
        assertThat(failed.getException()).hasMessageContaining("durable step 'lonely' needs a run")
                .hasMessageContaining(PgqrsConstants.RUN_ID);
    }

    @ConformanceTest
    void anyExchangeWithARunKeyIsDurable() throws Exception {
        template.sendBodyAndHeader("direct:keyed", "first", PgqrsConstants.RUN_ID, "http:order-99");
        Object second = template.requestBodyAndHeader("direct:keyed", "second", PgqrsConstants.RUN_ID, "http:order-99");
        assertThat(second).isEqualTo("first!");
        assertThat(store.checkpoints().find("http:order-99", "shout")).isPresent();
    }

    @Override
    protected void doPostSetup() throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:noRun").policy(new PgqrsStepPolicy("lonely")).to("log:never").end();
                from("direct:keyed").policy(new PgqrsStepPolicy("shout")).transform(body().append("!")).end();
            }
        });
    }
}
