package dev.pgqrs.payload;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.BinaryNode;
import dev.pgqrs.InvalidPayloadException;
import dev.pgqrs.PayloadCodec;
import dev.pgqrs.config.PayloadLimits;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Turns what a caller hands a producer (JSON text or UTF-8 bytes, a Jackson tree, a Map, a POJO)
 * into the JSON text that is stored, enforcing {@link PayloadLimits} with the rules of pgqrs (Rust),
 * so a payload one edition accepts the other accepts too:
 * <ul>
 *   <li>any JSON value is a payload (objects, arrays, scalars, {@code null});</li>
 *   <li>the root is at depth 0, each object member value and array element one deeper; any value
 *       deeper than {@code maxDepth} fails (an empty container at the limit passes);</li>
 *   <li>keys and string values are each at most {@code maxStringBytes} UTF-8 bytes;</li>
 *   <li>forbidden keys are refused in every object; required keys are checked when the root is an object;</li>
 *   <li>the size is that of the compact serialisation, which is also what is stored.</li>
 * </ul>
 * Beyond the original, what a backend cannot store faithfully is refused here, the same on every
 * backend, instead of failing in PostgreSQL and being stored as is in SQLite: NUL characters, lone
 * UTF-16 surrogates, non-finite numbers, text after the JSON value, and bytes that are not UTF-8.
 *
 * <p>Text is parsed strictly and re-serialised from the tree, so the stored document is exactly the
 * one that was validated: one document can never become two, whatever the text looked like.
 */
public final class PayloadValidator {

    private final PayloadLimits limits;
    private final PayloadCodec codec;

    public PayloadValidator(PayloadLimits limits, PayloadCodec codec) {
        this.codec = codec;
        this.limits = limits;
    }

    public ValidatedPayload validate(Object payload) {
        JsonNode tree = toTree(payload);
        checkValue(tree, 0, JsonPath.ROOT);
        if (tree.isObject()) {
            for (String key : limits.requiredKeys()) {
                if (!tree.has(key)) {
                    throw new InvalidPayloadException("payload is missing required key '" + key + "'");
                }
            }
        }
        String json = Json.write(tree);
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

    private JsonNode toTree(Object payload) {
        if (payload == null) {
            throw new InvalidPayloadException("payload is null; pass a JSON value (JSON null is the text \"null\" or a NullNode)");
        }
        if (payload instanceof CharSequence text) {
            return parseText(text.toString());
        }
        if (payload instanceof byte[] bytes) {
            return parseText(decodeUtf8(bytes));
        }
        if (payload instanceof JsonNode node) {
            if (node.isMissingNode()) {
                throw new InvalidPayloadException("payload is a MissingNode, which is no JSON value");
            }
            return node;
        }
        return codec.toTree(payload);
    }

    /** Bytes are JSON text in UTF-8; anything else is refused rather than decoded into U+FFFD. */
    public static String decodeUtf8(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            CharBuffer chars = decoder.decode(in);
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new InvalidPayloadException("payload bytes are not valid UTF-8 (a malformed sequence at byte " + in.position()
                    + " of " + bytes.length + "); send JSON text encoded as UTF-8", e);
        }
    }

    private static JsonNode parseText(String text) {
        if (text.isBlank()) {
            throw new InvalidPayloadException("payload is empty text; send a JSON value");
        }
        try {
            return Json.MAPPER.readTree(text);
        } catch (MismatchedInputException e) {
            if (String.valueOf(e.getOriginalMessage()).startsWith("Trailing token")) {
                throw new InvalidPayloadException("payload holds more than one JSON value: another one starts at "
                        + where(e) + "; send one document per message (a batch is a list of payloads)", e);
            }
            throw notJson(e);
        } catch (JsonProcessingException e) {
            throw notJson(e);
        } catch (IOException e) {
            throw new InvalidPayloadException("payload is not valid JSON: " + e.getMessage(), e);
        }
    }

    private static InvalidPayloadException notJson(JsonProcessingException e) {
        String reason = String.valueOf(e.getOriginalMessage()).split("\n")[0];
        return new InvalidPayloadException("payload is not valid JSON: " + reason + " (at " + where(e) + ")", e);
    }

    private static String where(JsonProcessingException e) {
        return e.getLocation() == null ? "an unknown position"
                : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }

    private void checkValue(JsonNode node, int depth, JsonPath path) {
        if (depth > limits.maxDepth()) {
            throw new InvalidPayloadException("payload value at " + path + " is at depth " + depth
                    + ", deeper than the limit of " + limits.maxDepth() + " (the root is depth 0)");
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String key = field.getKey();
                JsonPath member = path.member(key);
                checkText("key", key, member);
                if (limits.forbiddenKeys().contains(key)) {
                    throw new InvalidPayloadException("payload has forbidden key '" + key + "' at " + path);
                }
                checkValue(field.getValue(), depth + 1, member);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                checkValue(node.get(i), depth + 1, path.element(i));
            }
        } else if (node.isTextual()) {
            checkText("string", node.textValue(), path);
        } else if (node.isBinary()) {
            // Java byte[] inside a Map or POJO: stored as a base64 string, and limited as one.
            long bytes = 4L * ((((BinaryNode) node).binaryValue().length + 2) / 3);
            if (bytes > limits.maxStringBytes()) {
                throw new InvalidPayloadException("payload string at " + path + " (bytes, as base64) is " + bytes
                        + " bytes, more than the limit of " + limits.maxStringBytes());
            }
        } else if ((node.isDouble() || node.isFloat()) && !Double.isFinite(node.doubleValue())) {
            // NaN and infinities come from Java values, or from a written number beyond the range of a double.
            throw new InvalidPayloadException("payload number at " + path + " is " + node.doubleValue()
                    + ", which has no JSON form; send a finite number (within the range of a double)");
        } else if (node.isPojo()) {
            throw new InvalidPayloadException("payload value at " + path + " is a Java object Jackson could not map to JSON");
        }
    }

    /** A key or string value: within the byte limit, and text every backend stores as it is. */
    private void checkText(String what, String text, JsonPath path) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                throw new InvalidPayloadException("payload " + what + " at " + path + " contains a NUL character (\\u0000) at index "
                        + i + ", which PostgreSQL cannot store; remove it or encode the data (e.g. base64)");
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new InvalidPayloadException("payload " + what + " at " + path + " contains a lone UTF-16 surrogate (\\u"
                        + Integer.toHexString(c) + ") at index " + i + ", which is not valid Unicode");
            }
        }
        int bytes = utf8Length(text);
        if (bytes > limits.maxStringBytes()) {
            throw new InvalidPayloadException("payload " + what + " at " + path + " is " + bytes
                    + " bytes, more than the limit of " + limits.maxStringBytes());
        }
    }

    /** UTF-8 length of text whose surrogates come in pairs (checked before, or produced by Jackson). */
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
