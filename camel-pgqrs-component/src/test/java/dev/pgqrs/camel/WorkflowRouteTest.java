package dev.pgqrs.camel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgqrs.payload.Json;
import dev.pgqrs.testing.BackendKind;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** pgqrs:workflow:NAME: a producer triggers runs, a consumer executes them, runs end SUCCESS or ERROR. */
abstract class WorkflowRouteTest extends PgqrsCamelTestSupport {

    private final AtomicInteger shipments = new AtomicInteger();
    private final AtomicInteger invoiceAttempts = new AtomicInteger();

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("pgqrs:workflow:fulfil?bodyType=com.fasterxml.jackson.databind.JsonNode&maxAttempts=3&retryDelay=50&delay=50")
                        .policy(new PgqrsStepPolicy("ship"))
                            .process(e -> {
                                shipments.incrementAndGet();
                                JsonNode in = e.getMessage().getBody(JsonNode.class);
                                e.getMessage().setBody(Map.of("order", in.get("order").asInt(), "shipped", true));
                            })
                        .end()
                        .process(e -> {
                            if (invoiceAttempts.incrementAndGet() == 1) {
                                throw new IllegalStateException("invoicing down");
                            }
                        })
                        .to("mock:fulfilled");
                from("pgqrs:workflow:doomed?maxAttempts=2&retryDelay=10&delay=50")
                        .throwException(new IllegalArgumentException("bad order"));
            }
        };
    }

    @Test
    void aTriggeredRunIsExecutedWithItsInputAndCompletesWithTheFinalBodyAsOutput() throws Exception {
        MockEndpoint fulfilled = getMockEndpoint("mock:fulfilled");
        fulfilled.expectedMessageCount(1);

        template.sendBody("pgqrs:workflow:fulfil", Map.of("order", 12));

        fulfilled.assertIsSatisfied(10_000);
        Exchange run = fulfilled.getReceivedExchanges().get(0);
        assertThat(run.getIn().getHeader(PgqrsConstants.WORKFLOW)).isEqualTo("fulfil");
        String runKey = run.getIn().getHeader(PgqrsConstants.RUN_ID, String.class);
        assertThat(runKey).startsWith("workflow-run:");
        assertThat(shipments.get()).as("the ship step ran once despite the retry").isEqualTo(1);
        assertThat(invoiceAttempts.get()).isEqualTo(2);

        long runId = Long.parseLong(runKey.substring("workflow-run:".length()));
        await().atMost(5, TimeUnit.SECONDS).until(() -> "SUCCESS".equals(runColumn(runId, "status")));
        assertThat(Json.parse(runColumn(runId, "input"))).isEqualTo(Json.parse("{\"order\":12}"));
        assertThat(Json.parse(runColumn(runId, "output"))).isEqualTo(Json.parse("{\"order\":12,\"shipped\":true}"));
        assertThat(store.queues().metrics("fulfil").archived()).isEqualTo(1);
    }

    @Test
    void aRunThatFailsMaxAttemptsEndsInError() throws Exception {
        Exchange sent = template.request("pgqrs:workflow:doomed", e -> e.getIn().setBody("{\"order\": 13}"));
        long messageId = sent.getMessage().getHeader(PgqrsConstants.MESSAGE_ID, Long.class);

        await().atMost(10, TimeUnit.SECONDS).until(() -> "ERROR".equals(runColumnByMessage(messageId, "status")));
        JsonNode error = Json.parse(runColumnByMessage(messageId, "error"));
        assertThat(error.get("message").asText()).contains("bad order");
        assertThat(error.get("attempts").asInt()).isEqualTo(2);
        assertThat(store.queues().metrics("doomed").archived()).isEqualTo(1);
    }

    private String runColumn(long runId, String column) throws Exception {
        return query("SELECT " + column + " FROM pgqrs_workflow_runs WHERE id = ?", runId);
    }

    private String runColumnByMessage(long messageId, String column) throws Exception {
        return query("SELECT " + column + " FROM pgqrs_workflow_runs WHERE message_id = ?", messageId);
    }

    private String query(String sql, long id) throws Exception {
        String text = sql.replaceFirst("SELECT (\\w+)",
                backend.kind() == BackendKind.POSTGRES ? "SELECT $1::text" : "SELECT $1");
        try (Connection c = backend.jdbc(); PreparedStatement ps = c.prepareStatement(text)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}

class WorkflowRoutePostgresTest extends WorkflowRouteTest {
    @Override
    protected BackendKind backendKind() {
        return BackendKind.POSTGRES;
    }
}

class WorkflowRouteSqliteTest extends WorkflowRouteTest {
    @Override
    protected BackendKind backendKind() {
        return BackendKind.SQLITE;
    }
}
