package dev.pgqrs.interop;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The original's payload validation with its defaults (pgqrs-interop.md §3), without the rate
 * limit: any JSON value; depth counted from 0 at the root, every value (scalar or container) deeper
 * than 5 fails; keys and strings at most 1024 bytes; forbidden keys in every object; the compact
 * form at most 1 MiB; structure checked before size.
 */
final class OriginalPayloadRules {

    static final int MAX_DEPTH = 5;
    static final int MAX_STRING_BYTES = 1024;
    static final int MAX_BYTES = 1_048_576;
    static final Set<String> FORBIDDEN = Set.of("__proto__", "constructor");

    static final class Rejected extends RuntimeException {
        Rejected(String message) {
            super(message);
        }
    }

    private OriginalPayloadRules() {
    }

    static void check(String json) {
        JsonNode root;
        try {
            root = OriginalEdition.JSON.readTree(json);
        } catch (Exception e) {
            throw new Rejected("invalid JSON: " + e.getMessage());
        }
        structure(root, 0);
        int size;
        try {
            size = OriginalEdition.JSON.writeValueAsString(root).getBytes(StandardCharsets.UTF_8).length;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        if (size > MAX_BYTES) {
            throw new Rejected("Payload size " + size + " exceeds " + MAX_BYTES);
        }
    }

    private static void structure(JsonNode node, int depth) {
        if (depth > MAX_DEPTH) {
            throw new Rejected("Payload depth exceeds " + MAX_DEPTH);
        }
        if (node.isTextual() && node.textValue().getBytes(StandardCharsets.UTF_8).length > MAX_STRING_BYTES) {
            throw new Rejected("String value exceeds " + MAX_STRING_BYTES + " bytes");
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (FORBIDDEN.contains(e.getKey())) {
                    throw new Rejected("Forbidden key: " + e.getKey());
                }
                if (e.getKey().getBytes(StandardCharsets.UTF_8).length > MAX_STRING_BYTES) {
                    throw new Rejected("Key exceeds " + MAX_STRING_BYTES + " bytes");
                }
                structure(e.getValue(), depth + 1);
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                structure(element, depth + 1);
            }
        }
    }
}
