package dev.pgqrs.camel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.workflow.RunCancelledException;
import dev.pgqrs.workflow.RunInfo;
import dev.pgqrs.workflow.RunOptions;
import dev.pgqrs.workflow.RunStatus;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** pgqrs:workflow: routes with versions, run timeouts and deadlines. */
class WorkflowFeaturesRouteTest extends PgqrsCamelTestSupport {

    private static final Duration AWAIT = Duration.ofSeconds(15);

    private final AtomicInteger invoices = new AtomicInteger();
    private final AtomicInteger reminders = new AtomicInteger();

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("pgqrs:workflow:invoice?workflowVersion=2&delay=50")
                        .process(e -> invoices.incrementAndGet())
                        .setBody(constant("invoiced by v2"));
                from("pgqrs:workflow:reminder?delay=50")
                        .process(e -> reminders.incrementAndGet())
                        .setBody(constant("reminded"));
            }
        };
    }

    private static long runId(Exchange sent) {
        if (sent.getException() != null) {
            throw new AssertionError(sent.getException());
        }
        return sent.getMessage().getHeader(PgqrsConstants.WORKFLOW_RUN_ID, Long.class);
    }

    @ConformanceTest
    void aVersionedRouteExecutesTheRunsOfItsVersionAndLeavesOthers() {
        long v2 = runId(template.request("pgqrs:workflow:invoice?workflowVersion=2", e -> e.getIn().setBody("{\"n\": 1}")));
        long unversioned = runId(template.request("pgqrs:workflow:invoice", e -> e.getIn().setBody("{\"n\": 2}")));
        long v1 = store.workflows().trigger("invoice", java.util.Map.of("n", 3), RunOptions.defaults().version("1")).id();

        assertThat(store.workflows().handle(v2, JsonNode.class).await(AWAIT).asText()).isEqualTo("invoiced by v2");
        assertThat(store.workflows().get(v2).version()).isEqualTo("2");
        assertThat(store.workflows().handle(unversioned, JsonNode.class).await(AWAIT).asText()).isEqualTo("invoiced by v2");
        assertThat(store.workflows().get(unversioned).version()).isNull();
        // A run triggered after the v1 run: the claim that takes it has passed over the v1 run without leasing it.
        long later = runId(template.request("pgqrs:workflow:invoice", e -> e.getIn().setBody("{\"n\": 4}")));
        assertThat(store.workflows().handle(later, JsonNode.class).await(AWAIT).asText()).isEqualTo("invoiced by v2");
        RunInfo left = store.workflows().get(v1);
        assertThat(left.status()).isEqualTo(RunStatus.QUEUED);
        assertThat(left.version()).isEqualTo("1");
        assertThat(left.wakeAt() == null || !left.wakeAt().isAfter(left.createdAt().plusMillis(500)))
                .as("the v1 run still visible to a v1 route, not leased and given back for later (wake at %s)",
                        left.wakeAt()).isTrue();
        assertThat(invoices.get()).isEqualTo(3);
    }

    @ConformanceTest
    void aRunTimeoutBecomesTheRunsDeadlineAtItsStart() {
        long runId = runId(template.request("pgqrs:workflow:reminder?runTimeout=1h", e -> e.getIn().setBody("{}")));

        assertThat(store.workflows().handle(runId, JsonNode.class).await(AWAIT).asText()).isEqualTo("reminded");
        RunInfo run = store.workflows().get(runId);
        assertThat(Duration.between(run.startedAt(), run.deadlineAt())).isEqualTo(Duration.ofHours(1));
    }

    @ConformanceTest
    void aRunTriggeredPastItsDeadlineHeaderIsCancelledWithoutRunningTheRoute() {
        Instant passed = Instant.now().minus(Duration.ofMinutes(5));
        long runId = runId(template.request("pgqrs:workflow:reminder", e -> {
            e.getIn().setBody("{}");
            e.getIn().setHeader(PgqrsConstants.WORKFLOW_DEADLINE, passed.toString());
        }));

        assertThatThrownBy(() -> store.workflows().handle(runId, JsonNode.class).await(AWAIT))
                .isInstanceOf(RunCancelledException.class).hasMessageContaining("deadline exceeded");
        assertThat(store.workflows().get(runId).deadlineAt()).isBetween(passed.minusMillis(1), passed.plusMillis(1));
        assertThat(reminders.get()).isZero();
    }

    @ConformanceTest
    void aBadDeadlineHeaderIsRefusedNamingIt() {
        Exchange sent = template.request("pgqrs:workflow:reminder", e -> {
            e.getIn().setBody("{}");
            e.getIn().setHeader(PgqrsConstants.WORKFLOW_DEADLINE, "tomorrow");
        });

        assertThat(sent.getException()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CamelPgqrsWorkflowDeadline must be an Instant").hasMessageContaining("'tomorrow'");
        assertThat(store.workflows().list("reminder", 10)).isEmpty();
    }
}
