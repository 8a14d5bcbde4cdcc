package dev.pgqrs.camel;

import dev.pgqrs.ScheduleFiring;
import dev.pgqrs.ScheduleInfo;
import dev.pgqrs.testing.ConformanceTest;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Cron schedules through pgqrs: routes, on every backend: a route that declares a schedule and another that
 * consumes its queue, a schedule consumer (declare and consume in one), a workflow target, and bad options.
 * The test store runs the maintenance service, which fires the schedules.
 */
class ScheduleRouteTest extends PgqrsCamelTestSupport {

    private static final String EVERY_SECOND = "*/1+*+*+*+*+?";

    @ConformanceTest
    void aRouteDeclaresTheScheduleAndAnotherConsumesItsQueue() throws Exception {
        MockEndpoint ticks = getMockEndpoint("mock:ticks");
        ticks.expectedMinimumMessageCount(2);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:tick-now").routeId("declare")
                        .to("pgqrs:schedule:tick?cron=" + EVERY_SECOND + "&timeZone=Europe/Paris&targetQueue=ticks"
                                + "&payload=RAW({\"kind\":\"tick\"})&overlap=ALLOW");
                from("pgqrs:ticks").routeId("consume").to("mock:ticks");
            }
        });

        ScheduleInfo declared = store.schedules().get("tick");
        assertThat(declared.cron()).isEqualTo("*/1 * * * * ?");
        assertThat(declared.targetName()).isEqualTo("ticks");
        assertThat(declared.timeZone().getId()).isEqualTo("Europe/Paris");

        ticks.assertIsSatisfied(30_000);
        assertThat(ticks.getExchanges().get(0).getMessage().getBody(String.class)).contains("\"kind\"").contains("tick");

        // The producer fires the schedule now.
        Exchange fired = template.request("direct:tick-now", e -> { });
        long messageId = fired.getMessage().getHeader(PgqrsConstants.MESSAGE_ID, Long.class);
        assertThat(fired.getMessage().getHeader(PgqrsConstants.SCHEDULE)).isEqualTo("tick");
        assertThat(store.schedules().firings("tick", 100)).anySatisfy(f -> {
            assertThat(f.outcome()).isEqualTo(ScheduleFiring.Outcome.MANUAL);
            assertThat(f.messageId()).isEqualTo(messageId);
        });
        // Every firing was consumed once: as many exchanges as firings that enqueued.
        context.getRouteController().stopRoute("declare");
        store.schedules().pause("tick");
        await().atMost(Duration.ofSeconds(30)).until(() -> store.queues().metrics("ticks").archived()
                == store.queues().metrics("ticks").total());
        List<ScheduleFiring> firings = store.schedules().firings("tick", 100);
        assertThat(ticks.getReceivedCounter()).isEqualTo(firings.size());
    }

    @ConformanceTest
    void aScheduleConsumerDeclaresTheScheduleAndRunsTheRouteAtEachSlot() throws Exception {
        MockEndpoint reports = getMockEndpoint("mock:reports");
        reports.expectedMinimumMessageCount(2);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("pgqrs:schedule:report?cron=" + EVERY_SECOND + "&missedFirings=SKIP&overlap=SKIP"
                        + "&payload=RAW({\"report\":\"daily\"})").to("mock:reports");
            }
        });
        reports.assertIsSatisfied(30_000);
        ScheduleInfo info = store.schedules().get("report");
        assertThat(info.targetName()).as("the queue named as the schedule").isEqualTo("report");
        assertThat(info.missedFirings()).isEqualTo(dev.pgqrs.MissedFirings.SKIP);
        assertThat(info.overlap()).isEqualTo(dev.pgqrs.OverlapPolicy.SKIP);
        assertThat(reports.getExchanges().get(0).getMessage().getHeader(PgqrsConstants.QUEUE)).isEqualTo("report");
    }

    @ConformanceTest
    void aScheduleWithATargetWorkflowRunsTheRouteAsARunOfIt() throws Exception {
        MockEndpoint runs = getMockEndpoint("mock:runs");
        runs.expectedMinimumMessageCount(1);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("pgqrs:schedule:nightly-close?cron=" + EVERY_SECOND + "&targetWorkflow=close-books"
                        + "&payload=RAW({\"ledger\":\"eu\"})").to("mock:runs");
            }
        });
        runs.assertIsSatisfied(30_000);
        Exchange run = runs.getExchanges().get(0);
        assertThat(run.getMessage().getHeader(PgqrsConstants.WORKFLOW)).isEqualTo("close-books");
        assertThat(run.getMessage().getBody(String.class)).contains("ledger").contains("eu");
    }

    @ConformanceTest
    void badScheduleOptionsFailAtStartupNamingTheOption() {
        assertThatThrownBy(() -> template.sendBody("pgqrs:schedule:bad?cron=61+*+*+*+*", ""))
                .hasStackTraceContaining("pgqrs:schedule:bad: option cron=61 * * * * is invalid")
                .hasStackTraceContaining("'61 * * * *'");
        assertThatThrownBy(() -> template.sendBody("pgqrs:schedule:bad", ""))
                .hasStackTraceContaining("option cron=null is invalid: is required on a schedule endpoint");
        assertThatThrownBy(() -> template.sendBody("pgqrs:schedule:bad?cron=0+2+*+*+*&timeZone=Mars/Olympus", ""))
                .hasStackTraceContaining("option timeZone=Mars/Olympus is invalid");
        assertThatThrownBy(() -> template.sendBody("pgqrs:schedule:bad?cron=0+2+*+*+*&payload=nope", ""))
                .hasStackTraceContaining("option payload=nope is invalid: is not JSON");
        assertThatThrownBy(() -> template.sendBody("pgqrs:orders?cron=0+2+*+*+*", ""))
                .hasStackTraceContaining("option cron=0 2 * * * is invalid: applies to schedule endpoints only");
        assertThat(store.schedules().list()).isEmpty();
    }
}
