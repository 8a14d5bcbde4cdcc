package dev.pgqrs.bridge.connect;

import org.apache.camel.model.ChoiceDefinition;
import org.apache.camel.model.FromDefinition;
import org.apache.camel.model.ModelLifecycleStrategySupport;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SendDefinition;
import org.apache.camel.model.WhenDefinition;

/**
 * Names the routes Camel makes of the Kamelets a task uses after the task: {@code TASK~kamelet-N} (the Kamelet
 * endpoint's {@code routeId} option), so the connector knows them — they start, pause, stop and go with their
 * task. Camel would name them after the Kamelet alone ({@code pgqrs-source-1}).
 */
public final class KameletRouteIds {

    static final String SEPARATOR = "~";

    private KameletRouteIds() {
    }

    static boolean belongsTo(String routeId, String taskId) {
        return routeId.startsWith(taskId + SEPARATOR);
    }

    /**
     * Keeps the routes Camel makes of a task's Kamelets from starting by themselves: camel-kamelet adds them to
     * the running context, which would start them at once — a paused connector's Kamelet source would then
     * fetch records for a parent that is not running. Its task starts them ({@link ConnectorRoutes#start}).
     */
    public static final class WaitForTheirTask extends ModelLifecycleStrategySupport {
        @Override
        public void onAddRouteDefinition(RouteDefinition route) {
            String id = route.getRouteId();
            if (id != null && id.contains(SEPARATOR + "kamelet-")) {
                route.autoStartup(false);
            }
        }
    }

    static void assign(RouteDefinition route, String taskId) {
        int[] n = {0};
        FromDefinition from = route.getInput();
        if (from != null && from.getUri() != null && from.getUri().startsWith("kamelet:")) {
            from.setUri(withRouteId(from.getUri(), taskId, ++n[0]));
        }
        for (ProcessorDefinition<?> p : route.getOutputs()) {
            visit(p, taskId, n);
        }
    }

    private static void visit(ProcessorDefinition<?> p, String taskId, int[] n) {
        if (p instanceof SendDefinition<?> send && send.getUri() != null && send.getUri().startsWith("kamelet:")) {
            send.setUri(withRouteId(send.getUri(), taskId, ++n[0]));
        }
        if (p instanceof ChoiceDefinition choice) {
            for (WhenDefinition when : choice.getWhenClauses()) {
                for (ProcessorDefinition<?> child : when.getOutputs()) {
                    visit(child, taskId, n);
                }
            }
            if (choice.getOtherwise() != null) {
                for (ProcessorDefinition<?> child : choice.getOtherwise().getOutputs()) {
                    visit(child, taskId, n);
                }
            }
        }
        for (ProcessorDefinition<?> child : p.getOutputs()) {
            visit(child, taskId, n);
        }
    }

    private static String withRouteId(String uri, String taskId, int n) {
        if (uri.contains("routeId=")) {
            return uri;
        }
        return uri + (uri.contains("?") ? "&" : "?") + "routeId=" + taskId + SEPARATOR + "kamelet-" + n;
    }
}
