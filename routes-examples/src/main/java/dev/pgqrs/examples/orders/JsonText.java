package dev.pgqrs.examples.orders;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.Map;

/**
 * Checks that every text of a JSON tree, field names included, can be stored as text on every backend.
 * JSON lets a sender write {@code \u0000} and lone surrogates such as {@code \ud800}; PostgreSQL's
 * {@code jsonb} refuses the first ("unsupported Unicode escape sequence"), and the second is not Unicode
 * at all (it becomes '?' or fails, depending on the driver). Refused at intake, naming the field.
 */
final class JsonText {

    private JsonText() {
    }

    /** Throws {@link InvalidOrderException} naming the first field whose name or text is not storable. */
    static void requireStorable(JsonNode node, String label) {
        check(node, "", label);
    }

    private static void check(JsonNode node, String path, String label) {
        if (node.isTextual()) {
            String problem = problem(node.textValue());
            if (problem != null) {
                throw new InvalidOrderException(label + ": " + path + " " + problem);
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String problem = problem(field.getKey());
                if (problem != null) {
                    throw new InvalidOrderException(label + ": a field name " + (path.isEmpty() ? "" : "in " + path + " ")
                            + problem);
                }
                check(field.getValue(), path.isEmpty() ? field.getKey() : path + "." + field.getKey(), label);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                check(node.get(i), path + "[" + i + "]", label);
            }
        }
    }

    /** What is wrong with the text, or null. */
    private static String problem(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\u0000') {
                return "contains a NUL character (\\u0000), which cannot be stored";
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++; // a pair: one character outside the BMP
            } else if (Character.isSurrogate(c)) {
                return "contains a lone UTF-16 surrogate (\\u" + Integer.toHexString(c) + "), which is not Unicode text";
            }
        }
        return null;
    }
}
