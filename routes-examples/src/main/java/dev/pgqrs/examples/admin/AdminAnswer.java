package dev.pgqrs.examples.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** An answer of the admin API: the status and its JSON body, an object always (errors {@code {"error": ...}}, as the app's). */
record AdminAnswer(int status, JsonNode body) {

    static AdminAnswer ok(JsonNode body) {
        return new AdminAnswer(200, body);
    }

    static AdminAnswer error(int status, String message) {
        ObjectNode body = AdminJson.object();
        body.put("error", message);
        return new AdminAnswer(status, body);
    }
}
