package dev.pgqrs.camel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgqrs.IdempotencyKey;
import dev.pgqrs.Store;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.spi.Policy;

import java.sql.Connection;
import java.util.Optional;

/**
 * Makes a request intake idempotent: {@code .policy(new PgqrsIdempotencyPolicy("orders"))} in Java,
 * {@code policy: {ref: orderRequests}} in YAML. The segment (typically {@code to("pgqrs:orders")} and the setting of
 * the answer) runs in one pgqrs transaction — the route's, or one of its own — together with the request's key:
 *
 * <ul>
 *   <li>a request without a key (header {@link #setKeyHeader keyHeader}, default {@code Idempotency-Key}, or the
 *       {@link #setKeyField keyField} of a JSON body) runs the segment in the transaction, nothing more;</li>
 *   <li>the first request with a key takes it, runs the segment, and records its answer — the
 *       {@code CamelHttpResponseCode} header and the body, as JSON — in the same transaction; so the answer
 *       (e.g. 202) leaves only after the enqueue committed, and a failure takes the key back;</li>
 *   <li>a request with a key taken before skips the segment and gets the first answer (status and body) with
 *       header {@value #REPLAYED}{@code =true}; nothing is enqueued. A request racing the first with the same
 *       key waits for it and gets its answer.</li>
 * </ul>
 */
public class PgqrsIdempotencyPolicy extends PgqrsStoreBean implements Policy {

    /** Header set on an exchange answered from an earlier request with the same key. */
    public static final String REPLAYED = "CamelPgqrsIdempotentReplay";
    static final String HTTP_RESPONSE_CODE = "CamelHttpResponseCode";

    private String scope;
    private String keyHeader = "Idempotency-Key";
    private String keyField;

    public PgqrsIdempotencyPolicy() {
    }

    public PgqrsIdempotencyPolicy(String scope) {
        this.scope = scope;
    }

    @Override
    public void beforeWrap(Route route, NamedNode definition) {
        adoptContext(route.getCamelContext());
        if (scope == null || scope.isBlank()) {
            scope = "route:" + route.getRouteId();
        }
    }

    @Override
    public Processor wrap(Route route, Processor processor) {
        return new SegmentProcessor(processor) {
            @Override
            protected void around(Exchange exchange) {
                Store s = store("pgqrs idempotency policy '" + scope + "'");
                String key = key(exchange, s);
                RouteTransaction.Bound bound = RouteTransaction.bound(exchange);
                if (bound != null) {
                    once(exchange, s, bound.connection(), key, this);
                } else {
                    RouteTransaction.run(exchange, s, null, c -> once(exchange, s, c, key, this));
                }
            }

            @Override
            public String toString() {
                return "PgqrsIdempotency[" + scope + ", " + getProcessor() + "]";
            }
        };
    }

    private void once(Exchange exchange, Store s, Connection c, String key, SegmentProcessor segment) {
        if (key == null) {
            segment.runSegment(exchange);
            return;
        }
        if (!s.idempotencyKeys().add(c, scope, key)) {
            replay(exchange, s, s.idempotencyKeys().find(c, scope, key));
            return;
        }
        segment.runSegment(exchange);
        if (!RouteTransaction.failed(exchange)) {
            s.idempotencyKeys().answer(c, scope, key, s.codec().write(answer(exchange, s)));
        }
    }

    private String key(Exchange exchange, Store s) {
        String key = exchange.getIn().getHeader(keyHeader, String.class);
        if ((key == null || key.isBlank()) && keyField != null) {
            JsonNode body = body(exchange, s);
            JsonNode field = body == null ? null : body.get(keyField);
            key = field == null || field.isNull() || field.isContainerNode() ? null : field.asText();
        }
        return key == null || key.isBlank() ? null : key;
    }

    /** The first answer: {"status": 202, "body": …} from the response code header and the body. */
    private static ObjectNode answer(Exchange exchange, Store s) {
        ObjectNode answer = JsonNodeFactory.instance.objectNode();
        Integer status = exchange.getMessage().getHeader(HTTP_RESPONSE_CODE, Integer.class);
        if (status != null) {
            answer.put("status", status);
        }
        JsonNode body = body(exchange, s);
        answer.set("body", body == null ? JsonNodeFactory.instance.nullNode() : body);
        return answer;
    }

    private static void replay(Exchange exchange, Store s, Optional<IdempotencyKey> first) {
        org.apache.camel.Message out = exchange.getMessage();
        out.setHeader(REPLAYED, true);
        String answer = first.map(IdempotencyKey::answer).orElse(null);
        if (answer == null) {
            // Taken without an answer (by an idempotent repository of the same scope, or before answers were kept).
            out.setHeader(HTTP_RESPONSE_CODE, 409);
            out.setBody("{\"error\":\"this idempotency key was used before, and no answer was kept for it\"}");
            return;
        }
        JsonNode recorded = s.codec().parse(answer);
        if (recorded.hasNonNull("status")) {
            out.setHeader(HTTP_RESPONSE_CODE, recorded.get("status").asInt());
        }
        JsonNode body = recorded.get("body");
        out.setBody(body == null || body.isNull() ? null : body.isTextual() ? body.asText() : s.codec().write(body));
        out.setHeader(Exchange.CONTENT_TYPE, body != null && body.isContainerNode() ? "application/json" : "text/plain");
    }

    /** The body as JSON: parsed when it is JSON text, a JSON string when it is other text, mapped otherwise. */
    private static JsonNode body(Exchange exchange, Store s) {
        Object body = exchange.getMessage().getBody();
        if (body == null) {
            return null;
        }
        if (body instanceof byte[] || body instanceof String || !(body instanceof java.util.Map || body instanceof JsonNode)) {
            String text = exchange.getMessage().getBody(String.class);
            if (text == null) {
                return null;
            }
            try {
                return s.codec().parse(text);
            } catch (RuntimeException notJson) {
                return JsonNodeFactory.instance.textNode(text);
            }
        }
        return s.codec().toTree(body);
    }

    public String getScope() {
        return scope;
    }

    /** The scope of the keys (e.g. the intake's path); by default route:ROUTE_ID. */
    public void setScope(String scope) {
        this.scope = scope;
    }

    public String getKeyHeader() {
        return keyHeader;
    }

    /** The header carrying the request's key (default Idempotency-Key). */
    public void setKeyHeader(String keyHeader) {
        this.keyHeader = keyHeader;
    }

    public String getKeyField() {
        return keyField;
    }

    /** A top-level field of a JSON body that is the key when the header is absent (e.g. orderId); none by default. */
    public void setKeyField(String keyField) {
        this.keyField = keyField;
    }
}
