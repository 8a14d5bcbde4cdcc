package dev.pgqrs.examples.orders;

import dev.pgqrs.InvalidPayloadException;
import dev.pgqrs.Store;
import dev.pgqrs.StoreUnavailableException;
import dev.pgqrs.OutageLog;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.apache.camel.Route;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.apache.camel.spi.UnitOfWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How every HTTP route of the app answers when its exchange fails, the Java routes and the Karavan
 * designs alike (a nameless route configuration applies to every route that names none, whatever its
 * DSL): a bad request 400, the store away 503 with {@code Retry-After}, anything else 500; always with
 * a JSON body {@code {"error": ...}}. While the store knows its database is away, a POST (every POST
 * of the app writes to the store) is refused at once rather than after the connection timeout.
 *
 * <p>The clauses only take exchanges of a route fed by {@code platform-http}: queue consumers and the
 * file intake keep their own handling (retries, leaving a file for the next poll). Kamelets run
 * without error handling of their own ({@code camel.component.kamelet.noErrorHandler=true}), so a
 * failure in the pgqrs-sink Kamelet reaches the HTTP route that called it, and is answered there.
 */
public final class HttpErrorResponses extends RouteConfigurationBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(HttpErrorResponses.class);

    /** The exchange is being answered by an HTTP route (not a queue or file route, nor a Kamelet it calls). */
    static final Predicate IN_HTTP_ROUTE = HttpErrorResponses::inHttpRoute;

    @Override
    public void configuration() {
        Store store = getContext().getRegistry().lookupByNameAndType(OrdersAppConfiguration.STORE, Store.class);
        StoreAvailability availability = new StoreAvailability(store);
        OutageLog outage = new OutageLog(LOG, "HTTP intake");

        // Nameless: the configuration of every route that names none.
        RouteConfigurationDefinition http = routeConfiguration();
        // Every POST of the app writes to the store (the designs' too, through pgqrs: or the pgqrs-sink
        // Kamelet): while the store knows its database is away, refuse it before it waits for a connection.
        http.interceptFrom("platform-http:*").when(header(Exchange.HTTP_METHOD).isEqualTo("POST"))
            .process(e -> {
                availability.requireReachable();
                outage.succeeded();
            });
        http.onException(InvalidOrderException.class, InvalidPayloadException.class).onWhen(IN_HTTP_ROUTE).handled(true)
                .process(e -> {
                    String reason = cause(e).getMessage();
                    LOG.info("refused {} (400): {}", request(e), reason);
                    HttpReplies.error(e, 400, reason);
                })
            .end();
        http.onException(StoreUnavailableException.class).onWhen(IN_HTTP_ROUTE).handled(true)
                .process(e -> {
                    outage.failed(cause(e), "HTTP requests that need it are answered 503 with Retry-After");
                    HttpReplies.unavailable(e, availability.outageMessage());
                })
            .end();
        http.onException(Exception.class).onWhen(IN_HTTP_ROUTE).handled(true)
                .process(e -> {
                    Exception cause = cause(e);
                    LOG.error("{} failed (500): {}", request(e), cause.toString());
                    LOG.debug("{} failed", request(e), cause);
                    HttpReplies.error(e, 500, "the request failed: " + cause.getMessage());
                })
            .end();
    }

    private static boolean inHttpRoute(Exchange e) {
        UnitOfWork unitOfWork = e.getUnitOfWork();
        Route route = unitOfWork == null ? null : unitOfWork.getRoute();
        return route != null && route.getEndpoint() instanceof PlatformHttpEndpoint;
    }

    private static Exception cause(Exchange e) {
        return e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
    }

    private static String request(Exchange e) {
        return e.getMessage().getHeader(Exchange.HTTP_METHOD, "?", String.class) + " "
                + e.getMessage().getHeader(Exchange.HTTP_PATH, e.getFromEndpoint().getEndpointBaseUri(), String.class);
    }
}
