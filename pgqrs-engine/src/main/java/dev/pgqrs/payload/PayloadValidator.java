package dev.pgqrs.payload;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgqrs.InvalidPayloadException;
import dev.pgqrs.config.PayloadLimits;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Turns what a caller hands a producer (a JSON string, a Jackson tree, a Map, a POJO) into
 * validated JSON text, enforcing {@link PayloadLimits}. Errors say which limit and where.
 */
public final class PayloadValidator {

    private final PayloadLimits limits;

    public PayloadValidator(PayloadLimits limits) {
        this.limits = limits;
    }

    public ValidatedPayload validate(Object payload) {
        if (payload == null) {
            throw new InvalidPayloadException("payload is null; send a JSON object");
        }
        JsonNode tree;
        String text;
        if (payload instanceof CharSequence) {
            text = payload.toString();
            tree = parseText(text);
        } else if (payload instanceof byte[]) {
            text = new String((byte[]) payload, StandardCharsets.UTF_8);
            tree = parseText(text);
        } else if (payload instanceof JsonNode) {
            tree = (JsonNode) payload;
            text = null;
        } else {
            tree = Json.MAPPER.valueToTree(payload);
            text = null;
        }
        if (tree == null || !tree.isObject()) {
            throw new InvalidPayloadException("payload must be a JSON object, got " + describe(tree)
                    + (payload instanceof CharSequence ? "" : " (from " + payload.getClass().getName() + ")"));
        }
        checkTree(tree, 1, "$");
        for (String key : limits.requiredKeys()) {
            if (!tree.has(key)) {
                throw new InvalidPayloadException("payload is missing required key '" + key + "'");
            }
        }
        String json = text != null ? text : Json.write(tree);
        int bytes = utf8Length(json);
        if (bytes > limits.maxBytes()) {
            throw new InvalidPayloadException("payload is " + bytes + " bytes, more than the limit of " + limits.maxBytes());
        }
        return new ValidatedPayload(json);
    }

    /** Validates every payload of a batch; the batch fails whole, naming the first bad index. */
    public List<String> validateBatch(List<?> payloads) {
        if (payloads.isEmpty()) {
            throw new InvalidPayloadException("batch is empty");
        }
        List<String> out = new ArrayList<>(payloads.size());
        for (int i = 0; i < payloads.size(); i++) {
            try {
                out.add(validate(payloads.get(i)).json());
            } catch (InvalidPayloadException e) {
                throw new InvalidPayloadException("payload at index " + i + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static JsonNode parseText(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            String snippet = text.length() > 40 ? text.substring(0, 40) + "…" : text;
            throw new InvalidPayloadException("payload is not valid JSON (" + e.getMessage().split("\n")[0] + "): '" + snippet + "'", e);
        }
    }

    private void checkTree(JsonNode node, int depth, String path) {
        if (node.isContainerNode() && depth > limits.maxDepth()) {
            throw new InvalidPayloadException("payload nests deeper than " + limits.maxDepth() + " levels at " + path);
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (limits.forbiddenKeys().contains(field.getKey())) {
                    throw new InvalidPayloadException("payload has forbidden key '" + field.getKey() + "' at " + path);
                }
                checkTree(field.getValue(), depth + 1, path + "." + field.getKey());
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                checkTree(node.get(i), depth + 1, path + "[" + i + "]");
            }
        } else if (node.isTextual()) {
            int bytes = utf8Length(node.textValue());
            if (bytes > limits.maxStringBytes()) {
                throw new InvalidPayloadException("payload string at " + path + " is " + bytes
                        + " bytes, more than the limit of " + limits.maxStringBytes());
            }
        }
    }

    private static String describe(JsonNode tree) {
        if (tree == null || tree.isMissingNode()) {
            return "nothing";
        }
        return tree.getNodeType().name().toLowerCase();
    }

    static int utf8Length(CharSequence s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
