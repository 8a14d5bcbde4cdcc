package dev.pgqrs.bridge.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.pgqrs.PgqrsException;
import dev.pgqrs.StoreUnavailableException;
import dev.pgqrs.bridge.store.TargetState;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.List;

/**
 * The REST API on platform-http (the Vert.x server every route of the bridge shares): one route per path of
 * Kafka Connect's API, the method chosen here (405 for another), every answer JSON. Route ids start with
 * {@code bridge-rest}; connectors' designs must not serve these paths.
 */
public final class RestRoutes extends RouteBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(RestRoutes.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What one path does with a request. */
    @FunctionalInterface
    private interface Handler {
        HttpAnswer handle(String method, Exchange exchange, JsonNode body);
    }

    private final ConnectorsResource connectors;
    private final ConnectorPluginsResource plugins;
    private final JsonNode serverInfo;

    public RestRoutes(ConnectorsResource connectors, ConnectorPluginsResource plugins, JsonNode serverInfo) {
        this.connectors = connectors;
        this.plugins = plugins;
        this.serverInfo = serverInfo;
    }

    @Override
    public void configure() {
        path("root", "/", (m, e, b) -> only(m, "GET", () -> HttpAnswer.of(200, serverInfo)));
        path("connectors", "/connectors", (m, e, b) -> switch (m) {
            case "GET" -> connectors.list(list(e, "expand"));
            case "POST" -> connectors.create(b);
            default -> notAllowed(m, "/connectors");
        });
        path("connector", "/connectors/{name}", (m, e, b) -> switch (m) {
            case "GET" -> connectors.get(name(e));
            case "DELETE" -> connectors.delete(name(e));
            default -> notAllowed(m, "/connectors/{name}");
        });
        path("config", "/connectors/{name}/config", (m, e, b) -> switch (m) {
            case "GET" -> connectors.config(name(e));
            case "PUT" -> connectors.putConfig(name(e), b);
            case "PATCH" -> connectors.patchConfig(name(e), b);
            default -> notAllowed(m, "/connectors/{name}/config");
        });
        path("status", "/connectors/{name}/status", (m, e, b) -> only(m, "GET", () -> connectors.status(name(e))));
        path("pause", "/connectors/{name}/pause", (m, e, b) -> only(m, "PUT", () -> connectors.target(name(e), TargetState.PAUSED)));
        path("resume", "/connectors/{name}/resume", (m, e, b) -> only(m, "PUT", () -> connectors.target(name(e), TargetState.RUNNING)));
        path("stop", "/connectors/{name}/stop", (m, e, b) -> only(m, "PUT", () -> connectors.target(name(e), TargetState.STOPPED)));
        path("restart", "/connectors/{name}/restart", (m, e, b) -> only(m, "POST",
                () -> connectors.restart(name(e), flag(e, "includeTasks"), flag(e, "onlyFailed"))));
        path("tasks", "/connectors/{name}/tasks", (m, e, b) -> only(m, "GET", () -> connectors.tasks(name(e))));
        path("task-status", "/connectors/{name}/tasks/{task}/status", (m, e, b) -> only(m, "GET",
                () -> connectors.taskStatus(name(e), header(e, "task"))));
        path("task-restart", "/connectors/{name}/tasks/{task}/restart", (m, e, b) -> only(m, "POST", () -> {
            connectors.restart(name(e), true, false);
            return HttpAnswer.noContent();
        }));
        path("offsets", "/connectors/{name}/offsets", (m, e, b) -> only(m, "GET", () -> connectors.offsets(name(e))));
        path("dead-letters", "/connectors/{name}/deadletters", (m, e, b) -> only(m, "GET",
                () -> connectors.deadLetters(name(e), intParam(e, "limit", 100), flag(e, "includeReplayed"))));
        path("dead-letters-replay", "/connectors/{name}/deadletters/replay", (m, e, b) -> only(m, "POST",
                () -> connectors.replay(name(e), b)));
        path("plugins", "/connector-plugins", (m, e, b) -> only(m, "GET",
                () -> plugins.list(!"false".equalsIgnoreCase(header(e, "connectorsOnly")))));
        path("plugin-config", "/connector-plugins/{plugin}/config", (m, e, b) -> only(m, "GET",
                () -> plugins.config(header(e, "plugin"))));
        path("plugin-validate", "/connector-plugins/{plugin}/config/validate", (m, e, b) -> only(m, "PUT",
                () -> plugins.validate(header(e, "plugin"), b)));
    }

    private void path(String id, String path, Handler handler) {
        from("platform-http:" + path).routeId("bridge-rest-" + id).process(exchange -> answer(exchange, handler));
    }

    private static void answer(Exchange exchange, Handler handler) {
        String method = exchange.getIn().getHeader(Exchange.HTTP_METHOD, "GET", String.class);
        HttpAnswer answer;
        try {
            answer = handler.handle(method, exchange, body(exchange));
        } catch (HttpProblem p) {
            answer = HttpAnswer.error(p.status, p.getMessage());
        } catch (ConnectorsResource.InvalidConfig invalid) {
            answer = HttpAnswer.of(400, invalid.body);
        } catch (StoreUnavailableException e) {
            answer = new HttpAnswer(503, HttpAnswer.errorBody(503, "the store is unavailable, retry: " + e.getMessage()),
                    java.util.Map.of("Retry-After", "5"));
        } catch (PgqrsException e) {
            answer = HttpAnswer.error(422, e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("{} {} failed: {}", method, exchange.getIn().getHeader(Exchange.HTTP_PATH), e.toString(), e);
            answer = HttpAnswer.error(500, "the request failed: " + e);
        }
        var out = exchange.getMessage();
        out.removeHeaders("*");
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, answer.status());
        answer.headers().forEach(out::setHeader);
        if (answer.body() == null) {
            out.setBody(null);
        } else {
            out.setHeader(Exchange.CONTENT_TYPE, "application/json");
            try {
                out.setBody(JSON.writeValueAsString(answer.body()));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static JsonNode body(Exchange exchange) {
        String text = exchange.getIn().getBody(String.class);
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new HttpProblem(400, "the body is not JSON: " + e.getOriginalMessage());
        }
    }

    private interface Call {
        HttpAnswer call();
    }

    private static HttpAnswer only(String method, String allowed, Call call) {
        if (!method.equals(allowed)) {
            return HttpAnswer.error(405, "method " + method + " is not allowed here; use " + allowed);
        }
        return call.call();
    }

    private static HttpAnswer notAllowed(String method, String path) {
        return HttpAnswer.error(405, "method " + method + " is not allowed on " + path);
    }

    private static String name(Exchange e) {
        return header(e, "name");
    }

    private static String header(Exchange e, String name) {
        return e.getIn().getHeader(name, String.class);
    }

    private static boolean flag(Exchange e, String name) {
        return "true".equalsIgnoreCase(header(e, name));
    }

    private static int intParam(Exchange e, String name, int fallback) {
        String v = header(e, name);
        if (v == null) {
            return fallback;
        }
        try {
            return Math.max(1, Integer.parseInt(v));
        } catch (NumberFormatException ex) {
            throw new HttpProblem(400, name + " must be a whole number, got '" + v + "'");
        }
    }

    private static List<String> list(Exchange e, String name) {
        Object v = e.getIn().getHeader(name);
        if (v == null) {
            return List.of();
        }
        if (v instanceof List<?> l) {
            return l.stream().map(String::valueOf).toList();
        }
        return Arrays.asList(String.valueOf(v).split(","));
    }

}
