package dev.pgqrs.camel;

import dev.pgqrs.AckMode;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pgqrs.Message;
import dev.pgqrs.testing.BackendInvocations;
import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.ConformanceTest;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterAll;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * The Camel side of the hostile-input suite, table-driven: URIs whose options are unknown or do not
 * parse fail at route start naming the option and the value as written (and never show a DSN's
 * password); queue names the engine accepts work through {@code pgqrs:} URIs; and a failing message
 * reaches its dead-letter queue whatever its payload or error text. On every backend.
 */
class HostileInputRouteTest extends PgqrsCamelTestSupport {

    private static final AtomicInteger CASES = new AtomicInteger();
    private static final AtomicInteger ACCEPTED = new AtomicInteger();
    private static final AtomicInteger REFUSED = new AtomicInteger();
    private static final String SECRET = "Hx7-s3cret!pw";

    @AfterAll
    static void summary() {
        System.out.printf("hostile Camel inputs (%s): %d cases, %d accepted, %d refused%n",
                BackendInvocations.enabledBackends().stream().map(BackendKind::label).collect(Collectors.joining(", ")),
                CASES.get(), ACCEPTED.get(), REFUSED.get());
    }

    /** A consumer (and a producer) URI, and the fragments its start failure must show; none: it starts. */
    private record UriCase(String uri, List<String> fragments) {
    }

    private static UriCase refused(String uri, String... fragments) {
        return new UriCase(uri, List.of(fragments));
    }

    private static UriCase accepted(String uri) {
        return new UriCase(uri, List.of());
    }

    private static final List<UriCase> URIS = List.of(
            refused("pgqrs:orders?visibilityTimeout=banana", "pgqrs:orders: option visibilityTimeout='banana' is not a duration",
                    "use 30s, 500ms"),
            refused("pgqrs:orders?maxAttempts=abc", "option maxAttempts='abc' is not a whole number"),
            refused("pgqrs:orders?retryDelay=banana", "option retryDelay='banana' is not a duration"),
            refused("pgqrs:orders?delay=1x", "option delay='1x' is not a duration"),
            refused("pgqrs:orders?maxIdleDelay=-1", "option maxIdleDelay='-1' is not a duration"),
            refused("pgqrs:orders?maxRetryDelay=soon", "option maxRetryDelay='soon' is not a duration"),
            refused("pgqrs:orders?deliveryDelay=tomorrow", "option deliveryDelay='tomorrow' is not a duration"),
            refused("pgqrs:orders?retryBackoffMultiplier=fast", "option retryBackoffMultiplier='fast' is not a number"),
            refused("pgqrs:orders?retryBackoffMultiplier=NaN", "option retryBackoffMultiplier='NaN' is not a number"),
            refused("pgqrs:orders?maxMessagesPerPoll=99999999999", "option maxMessagesPerPoll='99999999999' is not a whole number"),
            refused("pgqrs:orders?concurrentConsumers=2.5", "option concurrentConsumers='2.5' is not a whole number"),
            refused("pgqrs:orders?extendVisibility=yes", "option extendVisibility='yes' is not a boolean"),
            refused("pgqrs:orders?piggybackAcks=sometimes", "option piggybackAcks='sometimes' is not a boolean"),
            refused("pgqrs:orders?ackMode=KEEP", "option ackMode='KEEP' is not one of [ARCHIVE, DELETE]"),
            refused("pgqrs:orders?bodyType=com.example.Missing", "option bodyType='com.example.Missing' is not a class"),
            refused("pgqrs:orders?maxMesagesPerPoll=5", "Unknown parameters", "maxMesagesPerPoll"),
            refused("pgqrs:orders?visibility_timeout=30s", "Unknown parameters", "visibility_timeout"),
            refused("pgqrs:orders?concurrentConsumers=0", "pgqrs:orders: option concurrentConsumers=0 is invalid"),
            refused("pgqrs:workflow:fulfil?visibilityTimeout=banana", "pgqrs:workflow:fulfil: option visibilityTimeout='banana'"),
            refused("pgqrs:?maxAttempts=1", "queue name must not be empty"),
            refused("pgqrs:orders?dsn=postgres://app:" + SECRET + "@localhost:1/db&bogus=1", "Unknown parameters", "bogus"),
            refused("pgqrs:orders?dsn=postgres://app:" + SECRET + "@localhost:1/db&maxAttempts=0", "option maxAttempts=0 is invalid"),
            refused("pgqrs:orders?dsn=RAW(postgres://localhost:1/db?user=app&password=" + SECRET + ")&retryDelay=x",
                    "option retryDelay='x' is not a duration"),
            refused("pgqrs:orders?dsn=RAW(postgres://app:" + SECRET + "@localhost:1/db)&connectionless=1", "connectionless"),
            accepted("pgqrs:orders?visibilityTimeout=1m30s&retryDelay=PT2S&delay=250&extendVisibility=TRUE&ackMode=delete&maxRetryDelay=1.5h&autoCreateQueue=true"),
            accepted("pgqrs:orders:eu?autoCreateQueue=true&retryBackoffMultiplier=1.5&maxMessagesPerPoll=20&bodyType=java.util.Map"));

    private Throwable startFailure(String uri, boolean asConsumer) throws Exception {
        try (CamelContext ctx = new DefaultCamelContext()) {
            ctx.getRegistry().bind("pgqrsStore", store);
            ctx.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    if (asConsumer) {
                        from(uri).to("log:never");
                    } else {
                        from("direct:in").to(uri);
                    }
                }
            });
            return catchThrowable(ctx::start);
        }
    }

    @ConformanceTest
    void unknownAndUnparsableOptionsFailAtRouteStartNamingOptionAndValue() throws Exception {
        for (UriCase c : URIS) {
            for (boolean asConsumer : new boolean[] {true, false}) {
                CASES.incrementAndGet();
                Throwable failure = startFailure(c.uri(), asConsumer);
                String as = (asConsumer ? "from " : "to ") + c.uri();
                if (c.fragments().isEmpty()) {
                    assertThat(failure).as(as).isNull();
                    ACCEPTED.incrementAndGet();
                    continue;
                }
                assertThat(failure).as(as).isNotNull();
                for (String fragment : c.fragments()) {
                    assertThat(failure).as(as).hasStackTraceContaining(fragment);
                }
                assertThat(stackTrace(failure)).as(as).doesNotContain(SECRET).doesNotContain("s3cret");
                REFUSED.incrementAndGet();
            }
        }
    }

    @ConformanceTest
    void parsedValuesAreTheOnesWritten() throws Exception {
        PgqrsEndpoint e = context.getEndpoint("pgqrs:parsed?visibilityTimeout=1m30s&retryDelay=PT2S&delay=250"
                + "&maxRetryDelay=1.5h&deliveryDelay=2d&extendVisibility=FALSE&ackMode=delete", PgqrsEndpoint.class);
        PgqrsConfiguration c = e.getConfiguration();
        assertThat(c.getVisibilityTimeout()).isEqualTo(90_000);
        assertThat(c.getRetryDelay()).isEqualTo(2_000);
        assertThat(c.getDelay()).isEqualTo(250);
        assertThat(c.getMaxRetryDelay()).isEqualTo(Duration.ofMinutes(90).toMillis());
        assertThat(c.getDeliveryDelay()).isEqualTo(Duration.ofDays(2).toMillis());
        assertThat(c.isExtendVisibility()).isFalse();
        assertThat(c.getAckMode()).isEqualTo(AckMode.DELETE);
    }

    @ConformanceTest
    void componentOptionsThatDoNotParseFailCamelMainNamingTheOption() {
        CASES.incrementAndGet();
        Main main = new Main();
        main.addInitialProperty("camel.component.pgqrs.dsn", backend.dsn());
        main.addInitialProperty("camel.component.pgqrs.visibility-timeout", "banana");
        try {
            Throwable failure = catchThrowable(main::start);
            assertThat(failure).hasStackTraceContaining("pgqrs component: option visibilityTimeout='banana' is not a duration");
            REFUSED.incrementAndGet();
        } finally {
            main.stop();
        }
    }

    // ---- names in URIs -----------------------------------------------------------------------------

    /** A queue name and how a URI writes it. */
    private record NameInUri(String name, String path) {
    }

    @ConformanceTest
    void queueNamesWorkThroughPgqrsUris() throws Exception {
        List<NameInUri> names = List.of(
                new NameInUri("orders:eu", "orders:eu"),
                new NameInUri("commandes-été", "commandes-été"),
                new NameInUri("my queue", "my%20queue"),
                new NameInUri("注文", "注文"),
                new NameInUri("a#b", "a%23b"),
                new NameInUri("a&b", "a%26b"),
                new NameInUri("100%", "100%25"),
                new NameInUri("'; DROP TABLE pgqrs_messages; --", "';%20DROP%20TABLE%20pgqrs_messages;%20--"),
                new NameInUri("Orders", "Orders"));
        for (int i = 0; i < names.size(); i++) {
            String path = names.get(i).path();
            String mock = "mock:name" + i;
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("pgqrs:" + path).to(mock);
                }
            });
        }
        for (int i = 0; i < names.size(); i++) {
            NameInUri n = names.get(i);
            CASES.incrementAndGet();
            MockEndpoint out = getMockEndpoint("mock:name" + i);
            out.expectedMessageCount(1);
            template.sendBody("pgqrs:" + n.path(), Map.of("name", n.name()));
            out.assertIsSatisfied(10_000);
            Exchange got = out.getReceivedExchanges().get(0);
            assertThat(got.getIn().getHeader(PgqrsConstants.QUEUE)).as(n.path()).isEqualTo(n.name());
            assertThat(got.getIn().getBody(String.class)).contains(n.name().replace("\"", "\\\""));
            assertThat(store.queues().exists(n.name())).as(n.name()).isTrue();
            ACCEPTED.incrementAndGet();
        }
        assertThat(store.queues().exists("orders")).as("Orders is not orders").isFalse();
        assertThat(store.queues().list()).hasSize(names.size());
    }

    @ConformanceTest
    void aWorkflowWithAColonInItsNameRunsThroughItsUri() throws Exception {
        MockEndpoint done = getMockEndpoint("mock:done");
        done.expectedMessageCount(1);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("pgqrs:workflow:fulfil:eu").to("mock:done");
            }
        });
        CASES.incrementAndGet();
        template.sendBody("pgqrs:workflow:fulfil:eu", Map.of("order", 7));
        done.assertIsSatisfied(20_000);
        assertThat(store.queues().exists("fulfil:eu")).isTrue();
        ACCEPTED.incrementAndGet();
    }

    // ---- dead letters -------------------------------------------------------------------------------

    private void failingRouteTo(String queue, String dlq, RuntimeException error) throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("pgqrs:" + queue + "?maxAttempts=2&retryDelay=10&deadLetterQueue=" + dlq).process(e -> {
                    throw error;
                });
            }
        });
    }

    private void deadLetterRoute(String dlq) throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("pgqrs:" + dlq + "?bodyType=com.fasterxml.jackson.databind.JsonNode").to("mock:" + dlq);
            }
        });
    }

    @ConformanceTest
    void aLongNonAsciiErrorStillMovesTheMessageToTheDeadLetterQueue() throws Exception {
        MockEndpoint dlq = getMockEndpoint("mock:payments-dlq");
        dlq.expectedMessageCount(3);
        deadLetterRoute("payments-dlq");
        failingRouteTo("payments", "payments-dlq", new IllegalStateException("refusé " + "é".repeat(2_000)));
        failingRouteTo("emoji", "payments-dlq", new IllegalStateException("😀".repeat(700)));
        failingRouteTo("nul", "payments-dlq", new IllegalStateException("bad\u0000byte and a lone \ud800"));

        template.sendBody("pgqrs:payments", Map.of("amount", 10));
        template.sendBody("pgqrs:emoji", Map.of("amount", 20));
        template.sendBody("pgqrs:nul", Map.of("amount", 30));

        dlq.assertIsSatisfied(20_000);
        int limit = store.config().payloadLimits().maxStringBytes();
        for (Exchange e : dlq.getReceivedExchanges()) {
            CASES.incrementAndGet();
            String error = e.getIn().getBody(JsonNode.class).get("_pgqrsDeadLetter").get("error").asText();
            assertThat(error.getBytes(StandardCharsets.UTF_8).length).as(error).isLessThanOrEqualTo(limit);
            assertThat(error).startsWith(IllegalStateException.class.getName());
            assertThat(error.codePoints().anyMatch(cp -> cp >= 0xD800 && cp <= 0xDFFF)).as("a split surrogate pair").isFalse();
            assertThat(error).doesNotContain("\u0000");
            ACCEPTED.incrementAndGet();
        }
        assertThat(dlq.getReceivedExchanges()).extracting(e -> e.getIn().getBody(JsonNode.class).get("amount").asInt())
                .containsExactlyInAnyOrder(10, 20, 30);
        for (String queue : List.of("payments", "emoji", "nul")) {
            assertThat(store.queues().metrics(queue).archived()).as(queue).isEqualTo(1);
        }
    }

    @ConformanceTest
    void payloadsThatAreNotObjectsAreWrappedInTheDeadLetterQueue() throws Exception {
        MockEndpoint dlq = getMockEndpoint("mock:values-dlq");
        dlq.expectedMessageCount(3);
        deadLetterRoute("values-dlq");
        failingRouteTo("values", "values-dlq", new IllegalArgumentException("no"));

        template.sendBody("pgqrs:values", "42");
        template.sendBody("pgqrs:values", "\"text\"");
        template.sendBody("pgqrs:values", List.of(List.of(1, 2))); // a batch of one array payload

        dlq.assertIsSatisfied(20_000);
        for (Exchange e : dlq.getReceivedExchanges()) {
            CASES.incrementAndGet();
            JsonNode body = e.getIn().getBody(JsonNode.class);
            assertThat(body.has("payload")).as(body.toString()).isTrue();
            assertThat(body.get("_pgqrsDeadLetter").get("queue").asText()).isEqualTo("values");
            ACCEPTED.incrementAndGet();
        }
        assertThat(dlq.getReceivedExchanges()).extracting(e -> e.getIn().getBody(JsonNode.class).get("payload").toString())
                .containsExactlyInAnyOrder("42", "\"text\"", "[1,2]");
    }

    @ConformanceTest
    void aPayloadAtTheDepthLimitStillReachesTheDeadLetterQueueWrapped() throws Exception {
        failingRouteTo("deep", "deep-dlq", new IllegalArgumentException("no"));
        CASES.incrementAndGet();

        template.sendBody("pgqrs:deep", List.of("[[[[[1]]]]]")); // 1 at depth 5: wrapped, it is at 6

        // The copy is the engine's own, made from a payload that passed validation: it is not held to the limits again.
        await().atMost(Duration.ofSeconds(20)).until(() -> store.queues().metrics("deep-dlq").total() == 1);
        assertThat(store.queues().metrics("deep").archived()).isEqualTo(1);
        assertThat(store.deadLetters().list("deep", 10)).isEmpty();
        ACCEPTED.incrementAndGet();
    }

    private static String stackTrace(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
