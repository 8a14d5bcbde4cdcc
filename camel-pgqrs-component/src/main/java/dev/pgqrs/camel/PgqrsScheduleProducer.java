package dev.pgqrs.camel;

import dev.pgqrs.ScheduleFiring;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultProducer;

/**
 * The producer of a schedule endpoint ({@code to("pgqrs:schedule:NAME?cron=…")}): the schedule is declared when
 * the endpoint starts, and each exchange fires it now, once ({@code store.schedules().triggerNow}), whatever its
 * slots, pause or overlap rule. The body is not read; the firing's message (and run) ids are set as headers.
 */
public class PgqrsScheduleProducer extends DefaultProducer {

    public PgqrsScheduleProducer(PgqrsEndpoint endpoint) {
        super(endpoint);
    }

    @Override
    public PgqrsEndpoint getEndpoint() {
        return (PgqrsEndpoint) super.getEndpoint();
    }

    @Override
    public void process(Exchange exchange) {
        ScheduleFiring firing = getEndpoint().store().schedules().triggerNow(getEndpoint().scheduleName());
        Message out = exchange.getMessage();
        out.setHeader(PgqrsConstants.SCHEDULE, firing.schedule());
        out.setHeader(PgqrsConstants.MESSAGE_ID, firing.messageId());
        if (firing.runId() != null) {
            out.setHeader(PgqrsConstants.WORKFLOW_RUN_ID, firing.runId());
        } else {
            out.setHeader(PgqrsConstants.QUEUE, getEndpoint().getQueueName());
        }
    }
}
