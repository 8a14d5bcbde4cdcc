package dev.pgqrs.examples.orders;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/** The app's HTTP answers: always a JSON body, never the request's headers echoed back. */
final class HttpReplies {

    /** How long a client should wait before retrying a request refused while the store is unavailable. */
    static final int RETRY_AFTER_SECONDS = 5;

    private HttpReplies() {
    }

    static void json(Exchange e, int status, ObjectNode body) {
        Message m = e.getMessage();
        m.getHeaders().clear();
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        m.setBody(OrdersJson.write(body));
    }

    /** {@code {"error": message}} with the status. */
    static void error(Exchange e, int status, String message) {
        json(e, status, errorBody(message));
    }

    /** 503 with {@code Retry-After}: nothing was done, the same request may be sent again later. */
    static void unavailable(Exchange e, String message) {
        error(e, 503, message);
        e.getMessage().setHeader("Retry-After", RETRY_AFTER_SECONDS);
    }

    static ObjectNode errorBody(String message) {
        ObjectNode body = OrdersJson.MAPPER.createObjectNode();
        body.put("error", message);
        return body;
    }
}
