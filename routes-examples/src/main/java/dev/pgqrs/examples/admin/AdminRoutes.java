package dev.pgqrs.examples.admin;

import dev.pgqrs.InvalidNameException;
import dev.pgqrs.QueueNotFoundException;
import dev.pgqrs.Store;
import dev.pgqrs.workflow.IllegalRunStateException;
import dev.pgqrs.workflow.RunNotFoundException;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

import java.time.Clock;

/**
 * The admin REST API under {@code /api} on the app's platform-http server, what the dashboard reads: queues
 * with depth, age and rates; a queue's dead letters (list, replay, delete); workflow definitions; runs by
 * workflow and status with their steps; cancel and resume of a run. Every answer is JSON; a refusal is
 * {@code {"error": ...}} naming what was wrong (400 bad input, 404 no such queue, message, workflow or run,
 * 409 a run not in a state that allows it). The store away (503) and anything unexpected (500) are answered
 * by the app's route configuration, as for every HTTP route. Route ids start with {@code admin-}.
 */
public final class AdminRoutes extends RouteBuilder {

    /** The registry name of the store the API reads (the app's). */
    private final String storeBean;

    public AdminRoutes(String storeBean) {
        this.storeBean = storeBean;
    }

    /** What one path does with a request. */
    @FunctionalInterface
    private interface Handler {
        AdminAnswer handle(Exchange exchange);
    }

    @Override
    public void configure() {
        Store store = getContext().getRegistry().lookupByNameAndType(storeBean, Store.class);
        QueuesResource queues = new QueuesResource(store, Clock.systemUTC());
        RunsResource runs = new RunsResource(store);

        path("queues", "/api/queues", "GET", e -> queues.list());
        path("dead-letters", "/api/queues/{queue}/dead-letters", "GET",
                e -> queues.deadLetters(text(e, "queue"), limit(e, 100)));
        path("dead-letters-replay", "/api/queues/{queue}/dead-letters/replay", "POST",
                e -> queues.replay(text(e, "queue"), AdminJson.parseObject(e.getMessage().getBody(String.class))));
        path("dead-letter-replay", "/api/queues/{queue}/dead-letters/{id}/replay", "POST",
                e -> queues.replay(text(e, "queue"), id(e, "id")));
        path("dead-letter-delete", "/api/queues/{queue}/dead-letters/{id}", "DELETE",
                e -> queues.delete(text(e, "queue"), id(e, "id")));
        path("workflows", "/api/workflows", "GET", e -> runs.workflows());
        path("runs", "/api/runs", "GET", e -> runs.runs(text(e, "workflow"), text(e, "status"), limit(e, 50)));
        path("run", "/api/runs/{id}", "GET", e -> runs.run(id(e, "id")));
        path("run-cancel", "/api/runs/{id}/cancel", "POST", e -> runs.cancel(id(e, "id")));
        path("run-resume", "/api/runs/{id}/resume", "POST", e -> runs.resume(id(e, "id")));
    }

    private void path(String id, String path, String method, Handler handler) {
        from("platform-http:" + path + "?httpMethodRestrict=" + method).routeId("admin-" + id)
            .process(e -> answer(e, handler));
    }

    private static void answer(Exchange e, Handler handler) {
        AdminAnswer answer;
        try {
            answer = handler.handle(e);
        } catch (AdminProblem p) {
            answer = AdminAnswer.error(p.status, p.getMessage());
        } catch (QueueNotFoundException | RunNotFoundException p) {
            answer = AdminAnswer.error(404, p.getMessage());
        } catch (IllegalRunStateException p) {
            answer = AdminAnswer.error(409, p.getMessage());
        } catch (InvalidNameException p) {
            answer = AdminAnswer.error(400, p.getMessage());
        }
        var out = e.getMessage();
        out.getHeaders().clear(); // never the request's headers echoed back
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, answer.status());
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        out.setBody(AdminJson.write(answer.body()));
    }

    private static String text(Exchange e, String name) {
        String v = e.getMessage().getHeader(name, String.class);
        return v == null || v.isBlank() ? null : v;
    }

    private static long id(Exchange e, String name) {
        String v = text(e, name);
        try {
            long id = Long.parseLong(v);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw AdminProblem.badRequest(name + " must be a positive whole number, got '" + v + "'");
    }

    private static int limit(Exchange e, int fallback) {
        String v = text(e, "limit");
        if (v == null) {
            return fallback;
        }
        try {
            int limit = Integer.parseInt(v);
            if (limit >= 1 && limit <= QueuesResource.MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw AdminProblem.badRequest("limit must be a whole number from 1 to " + QueuesResource.MAX_LIMIT + ", got '" + v + "'");
    }
}
