package dev.pgqrs.camel;

import dev.pgqrs.Store;
import dev.pgqrs.testing.BackendInvocations;
import dev.pgqrs.testing.BackendKind;
import dev.pgqrs.testing.TestBackend;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Bad endpoint options fail the CamelContext at startup, with a message naming the option and the
 * rule. Runs once, not per backend: the checks are the component's, the same whatever the backend. Its
 * store is an SQLite file when SQLite is enabled (nothing to start), otherwise the enabled backend.
 */
class StartupValidationTest {

    private TestBackend backend;
    private Store store;

    @BeforeEach
    void setUp() {
        List<BackendKind> enabled = BackendInvocations.enabledBackends();
        backend = TestBackend.create(enabled.contains(BackendKind.SQLITE) ? BackendKind.SQLITE : enabled.get(0));
        store = backend.open();
    }

    @AfterEach
    void tearDown() {
        backend.close();
    }

    private Throwable startFailure(String uri, boolean bindStore) throws Exception {
        try (CamelContext ctx = new DefaultCamelContext()) {
            if (bindStore) {
                ctx.getRegistry().bind("pgqrsStore", store);
            }
            ctx.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(uri).to("log:never");
                }
            });
            return catchThrowable(ctx::start);
        }
    }

    private void assertFails(String uri, String... fragments) throws Exception {
        Throwable failure = startFailure(uri, true);
        assertThat(failure).as(uri).isNotNull();
        for (String fragment : fragments) {
            assertThat(failure).as(uri).hasStackTraceContaining(fragment);
        }
    }

    @Test
    void outOfRangeValuesNameTheOptionAndTheRule() throws Exception {
        assertFails("pgqrs:orders?maxMessagesPerPoll=0", "option maxMessagesPerPoll=0 is invalid", "must be at least 1");
        assertFails("pgqrs:orders?concurrentConsumers=0", "option concurrentConsumers=0 is invalid");
        assertFails("pgqrs:orders?retryBackoffMultiplier=0.5", "option retryBackoffMultiplier=0.5 is invalid");
        assertFails("pgqrs:orders?deadLetterQueue=orders", "option deadLetterQueue=orders is invalid", "must differ");
        // More attempts than the store's max_read_ct: the consumer raises the limit for its own deliveries.
        assertThat(startFailure("pgqrs:orders?maxAttempts=9&autoCreateQueue=true", true)).isNull();
    }

    @Test
    void queueOnlyOptionsAreRefusedOnAWorkflowEndpoint() throws Exception {
        assertFails("pgqrs:workflow:fulfil?deadLetterQueue=fulfil-dlq", "option deadLetterQueue=fulfil-dlq is invalid",
                "does not apply to a workflow endpoint", "ends in ERROR");
        assertFails("pgqrs:workflow:fulfil?ackMode=DELETE", "option ackMode=DELETE is invalid", "archives");
        assertFails("pgqrs:workflow:fulfil?visibilityTimeout=200", "option visibilityTimeout=200 is invalid",
                "must be at least 300");
        // Retries of a run wait without counting deliveries: max_read_ct does not bound them.
        assertThat(startFailure("pgqrs:workflow:fulfil?maxAttempts=9", true)).isNull();
    }

    @Test
    void unknownOptionsAndUnparsableValuesAreRefused() throws Exception {
        assertFails("pgqrs:orders?maxMesagesPerPoll=5", "maxMesagesPerPoll");
        assertFails("pgqrs:orders?visibilityTimeout=soon", "visibilityTimeout", "soon");
        assertFails("pgqrs:orders?ackMode=KEEP", "ackMode", "KEEP");
    }

    @Test
    void valuesThatDoNotParseAreNamedAsWrittenNotReadAsZero() throws Exception {
        assertFails("pgqrs:orders?visibilityTimeout=banana",
                "pgqrs:orders: option visibilityTimeout='banana' is not a duration (use 30s, 500ms, 1m30s, PT1M or milliseconds)");
        assertFails("pgqrs:orders?maxAttempts=abc", "pgqrs:orders: option maxAttempts='abc' is not a whole number");
        assertFails("pgqrs:orders?retryDelay=banana", "pgqrs:orders: option retryDelay='banana' is not a duration");
        assertFails("pgqrs:orders?extendVisibility=maybe", "option extendVisibility='maybe' is not a boolean");
        for (String uri : new String[] {"pgqrs:orders?visibilityTimeout=banana", "pgqrs:orders?maxAttempts=abc"}) {
            assertThat(startFailure(uri, true)).as(uri).hasStackTraceContaining("'")
                    .satisfies(t -> assertThat(stackTraceOf(t)).doesNotContain("=0 is invalid"));
        }
    }

    private static String stackTraceOf(Throwable t) {
        java.io.StringWriter out = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }

    @Test
    void badQueueNamesAndMissingQueuesAreReported() throws Exception {
        assertFails("pgqrs:" + "q".repeat(256), "invalid queue name", "more than the limit of 255");
        assertFails("pgqrs:missing?autoCreateQueue=false", "queue not found: 'missing'", "autoCreateQueue=true");
        assertThat(store.queues().exists("missing")).isFalse();
    }

    @Test
    void noStoreOrABadDsnSaysWhatToConfigure() throws Exception {
        assertThat(startFailure("pgqrs:orders", false)).hasStackTraceContaining("no store to use")
                .hasStackTraceContaining("camel.component.pgqrs.dsn");
        assertThat(startFailure("pgqrs:orders?dsn=mysql://localhost/db", false)).hasStackTraceContaining("unsupported DSN");
    }

    @Test
    void aValidUriStarts() throws Exception {
        assertThat(startFailure("pgqrs:orders?maxMessagesPerPoll=20&visibilityTimeout=45s&ackMode=delete&deadLetterQueue=orders-dlq"
                + "&autoCreateQueue=true", true))
                .isNull();
        assertThat(store.queues().exists("orders-dlq")).isTrue();
    }
}
