package dev.pgqrs.bridge.connect;

import org.apache.camel.CamelContext;
import org.apache.camel.ErrorHandlerFactory;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.builder.RouteBuilderLifecycleStrategy;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Resource;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Loads a connector's Camel YAML design into the running CamelContext with Camel's YAML DSL, as one route
 * group: every route's id is prefixed with the connector's name ({@code orders.partner-orders}), its group is
 * the connector's name, it does not start by itself (the connector's control thread starts it, or not, as the
 * target state and the source rule say), and it gets the connector's error handling. The connector's
 * configuration resolves the design's {@code {{placeholders}}} (as local properties while its routes are
 * built), before the bridge's own properties.
 */
final class DesignLoader {

    private final CamelContext context;

    DesignLoader(CamelContext context) {
        this.context = context;
    }

    /** The ids of the routes added; none is left behind if loading fails. */
    List<String> load(String connector, String yaml, Map<String, String> properties, ErrorHandlerFactory errorHandler,
                      RoutePolicy policy) throws Exception {
        Resource resource = ResourceHelper.fromString("connector-" + connector + ".camel.yaml", yaml);
        Collection<RoutesBuilder> builders = PluginHelper.getRoutesLoader(context).findRoutesBuilders(resource);
        List<String> ids = new ArrayList<>();
        for (RoutesBuilder b : builders) {
            if (b instanceof RouteBuilder rb) {
                rb.addLifecycleInterceptor(new RouteBuilderLifecycleStrategy() {
                    @Override
                    public void afterConfigure(RouteBuilder builder) {
                        for (RouteDefinition route : builder.getRouteCollection().getRoutes()) {
                            String own = route.getRouteId();
                            String id = connector + "." + (own == null || own.isBlank() ? "route" + (ids.size() + 1) : own);
                            route.setId(id);
                            route.setCustomId(true);
                            route.setGroup(connector);
                            KameletRouteIds.assign(route, id);
                            route.autoStartup(false);
                            if (policy != null) {
                                route.routePolicy(policy);
                            }
                            if (!route.isErrorHandlerFactorySet() && !builder.hasErrorHandlerFactory()) {
                                route.errorHandler(errorHandler);
                            }
                            ids.add(id);
                        }
                    }
                });
            }
        }
        PropertiesComponent pc = context.getPropertiesComponent();
        Properties local = new Properties();
        local.putAll(properties);
        pc.setLocalProperties(local);
        try {
            for (RoutesBuilder b : builders) {
                context.addRoutes(b);
            }
            if (ids.isEmpty()) {
                throw new IllegalArgumentException("the design of connector '" + connector + "' has no route");
            }
            return ids;
        } catch (Exception | Error e) {
            remove(ids);
            throw e;
        } finally {
            pc.setLocalProperties(null);
        }
    }

    private void remove(List<String> ids) {
        for (String id : ids) {
            try {
                if (context.getRoute(id) != null) {
                    context.getRouteController().stopRoute(id);
                    context.removeRoute(id);
                }
            } catch (Exception ignored) {
                // best effort: the load failed already, and says why
            }
        }
    }
}
