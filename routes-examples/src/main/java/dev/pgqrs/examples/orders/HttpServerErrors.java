package dev.pgqrs.examples.orders;

import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Function;

/**
 * Answers in JSON what the HTTP server refuses before any route sees the request: no such path (404),
 * a method the path does not take (405), a body over {@code camel.server.maxBodySize} (413), a content
 * type the route does not consume (415), and the server's own failures (400, 500). Vert.x would answer
 * these with an empty or HTML body, and log an over-size body as an "Unhandled exception in router" with
 * its stack trace; here each is one JSON body and at most one short log line. Installed on the server's
 * router once the server is up, before the routes take requests.
 */
final class HttpServerErrors implements StartupListener {

    private static final Logger LOG = LoggerFactory.getLogger(HttpServerErrors.class);

    private final int port;

    HttpServerErrors(int port) {
        this.port = port;
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        VertxPlatformHttpRouter routes = VertxPlatformHttpRouter.lookup(context, VertxPlatformHttpRouter.getRouterNameFromPort(port));
        if (routes == null) {
            return; // camel.server.enabled=false: no HTTP server
        }
        HttpServer server = routes.getServer().getServer();
        // Unmatched requests and failures are answered by the server's top router (Camel's routes hang
        // below it, under camel.server.path): its error handlers are the ones Vert.x calls.
        if (server == null || !(server.requestHandler() instanceof Router router)) {
            LOG.warn("the HTTP server's request handler is not a Vert.x router; its error answers stay Vert.x's");
            return;
        }
        Long maxBody = routes.getServer().getMaxBodySize();
        on(router, 400, c -> "the request is malformed: " + reason(c));
        on(router, 404, c -> "no such endpoint: " + request(c) + " (the app serves POST /orders, GET /orders/stats, "
                + "GET /health, the admin API under /api, the dashboard at /dashboard, the connectors' /connectors and "
                + "the designs' POST /partner/orders, POST /returns)");
        on(router, 405, c -> "method " + c.request().method() + " is not allowed on " + c.request().path());
        on(router, 413, c -> {
            String message = "the request body is over the limit of " + maxBody + " bytes (camel.server.maxBodySize)";
            LOG.warn("refused {} (413): {}", request(c), message);
            return message;
        });
        on(router, 415, c -> "content type '" + c.request().getHeader("Content-Type") + "' is not accepted by "
                + request(c) + ": send application/json");
        on(router, 500, c -> {
            LOG.error("{} failed in the HTTP server (500): {}", request(c), reason(c));
            return "the request failed in the HTTP server";
        });
    }

    private static void on(Router router, int status, Function<RoutingContext, String> message) {
        router.errorHandler(status, c -> {
            HttpServerResponse response = c.response();
            if (response.ended() || response.closed()) {
                return;
            }
            response.setStatusCode(status).putHeader("Content-Type", "application/json")
                    .end(OrdersJson.write(HttpReplies.errorBody(message.apply(c))));
        });
    }

    private static String request(RoutingContext c) {
        return c.request().method() + " " + c.request().path();
    }

    private static String reason(RoutingContext c) {
        return c.failure() == null ? "status " + c.statusCode() : c.failure().toString();
    }
}
