package dev.pgqrs.bridge.connect;

import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.support.RoutePolicySupport;

import java.util.function.BiConsumer;

/**
 * The route policy of a connector's routes under {@code errors.tolerance=none}: an exchange that ends with an
 * exception nothing handled (after the retries) fails its route. The route is stopped by the connector's
 * control thread, never on the exchange's own thread.
 */
final class TaskFailureWatch extends RoutePolicySupport {

    private final BiConsumer<String, Throwable> failed;

    TaskFailureWatch(BiConsumer<String, Throwable> failed) {
        this.failed = failed;
    }

    @Override
    public void onExchangeDone(Route route, Exchange exchange) {
        Exception e = exchange.getException();
        if (e != null) {
            failed.accept(route.getRouteId(), e);
        }
    }
}
