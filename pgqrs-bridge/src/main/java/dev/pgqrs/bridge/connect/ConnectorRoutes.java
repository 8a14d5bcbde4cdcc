package dev.pgqrs.bridge.connect;

import dev.pgqrs.camel.PgqrsEndpoint;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.spi.RouteController;

import java.util.ArrayList;
import java.util.List;

/**
 * The routes of one connector in this instance's CamelContext: the design's routes (the connector's tasks)
 * and the routes Camel made of the Kamelets they use (a Kamelet source's route feeds its parent, a Kamelet
 * sink's is called by it). A task is started, suspended, stopped and removed with its Kamelet routes: sources
 * before their parent stops, after it starts, so nothing is fed into a stopped route.
 */
final class ConnectorRoutes {

    private final CamelContext context;
    private final List<String> taskIds;

    ConnectorRoutes(CamelContext context, List<String> taskIds) {
        this.context = context;
        this.taskIds = List.copyOf(taskIds);
    }

    List<String> taskIds() {
        return taskIds;
    }

    /** The routes Camel made of Kamelets for {@code taskId} (named after it: see {@link KameletRouteIds}). */
    List<Route> kameletRoutes(String taskId) {
        List<Route> out = new ArrayList<>();
        for (Route r : context.getRoutes()) {
            if (KameletRouteIds.belongsTo(r.getRouteId(), taskId)) {
                out.add(r);
            }
        }
        return out;
    }

    /** The scheme the task really consumes from: its own, or that of the Kamelet source feeding it. */
    String sourceScheme(String taskId) {
        Route route = context.getRoute(taskId);
        String scheme = scheme(route);
        if ("kamelet".equals(scheme)) {
            for (Route k : kameletRoutes(taskId)) {
                String inner = scheme(k);
                if (!"kamelet".equals(inner)) {
                    return inner;
                }
            }
        }
        return scheme;
    }

    /** The pgqrs queue the task consumes (directly or through a Kamelet source), or null. */
    String queue(String taskId) {
        Route route = context.getRoute(taskId);
        if (route != null && route.getEndpoint() instanceof PgqrsEndpoint e) {
            return e.getQueueName();
        }
        for (Route k : kameletRoutes(taskId)) {
            if (k.getEndpoint() instanceof PgqrsEndpoint e) {
                return e.getQueueName();
            }
        }
        return null;
    }

    private static String scheme(Route route) {
        if (route == null || route.getEndpoint() == null) {
            return null;
        }
        String uri = route.getEndpoint().getEndpointUri();
        int colon = uri.indexOf(':');
        return colon < 0 ? uri : uri.substring(0, colon);
    }

    ServiceStatus status(String taskId) {
        return context.getRouteController().getRouteStatus(taskId);
    }

    void start(String taskId) throws Exception {
        RouteController rc = context.getRouteController();
        ServiceStatus own = rc.getRouteStatus(taskId);
        if (own == null) {
            throw new IllegalStateException("route " + taskId + " is not in the context");
        }
        if (own == ServiceStatus.Suspended) {
            rc.resumeRoute(taskId);
        } else if (!own.isStarted()) {
            rc.startRoute(taskId);
        }
        for (Route k : kameletRoutes(taskId)) {
            ServiceStatus s = rc.getRouteStatus(k.getRouteId());
            if (s == ServiceStatus.Suspended) {
                rc.resumeRoute(k.getRouteId());
            } else if (s != null && !s.isStarted()) {
                rc.startRoute(k.getRouteId());
            }
        }
    }

    void suspend(String taskId) throws Exception {
        RouteController rc = context.getRouteController();
        for (Route k : kameletRoutes(taskId)) {
            ServiceStatus s = rc.getRouteStatus(k.getRouteId());
            if (s != null && s.isStarted()) {
                rc.suspendRoute(k.getRouteId());
            }
        }
        ServiceStatus own = rc.getRouteStatus(taskId);
        if (own != null && own.isStarted()) {
            rc.suspendRoute(taskId);
        }
    }

    void stop(String taskId) throws Exception {
        RouteController rc = context.getRouteController();
        for (Route k : kameletRoutes(taskId)) {
            ServiceStatus s = rc.getRouteStatus(k.getRouteId());
            if (s != null && !s.isStopped()) {
                rc.stopRoute(k.getRouteId());
            }
        }
        ServiceStatus s = rc.getRouteStatus(taskId);
        if (s != null && !s.isStopped()) {
            rc.stopRoute(taskId);
        }
    }

    /** Stops and removes every route of the connector. */
    void remove() throws Exception {
        for (String id : taskIds) {
            List<Route> kamelets = kameletRoutes(id);
            stop(id);
            context.removeRoute(id);
            for (Route k : kamelets) {
                context.removeRoute(k.getRouteId());
            }
            // camel-kamelet starts a Kamelet route that did not start by itself (KameletRouteIds.WaitForTheirTask) by
            // making it again: the first Route object, never started, stays listed under the same id without a
            // route service. Once the route of that id is removed, what is left of it is that object.
            for (Route stale : kameletRoutes(id)) {
                context.getCamelContextExtension().removeRoute(stale);
            }
        }
    }
}
