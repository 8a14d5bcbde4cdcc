package dev.pgqrs.examples.orders;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks that an order is well formed and normalises it for the {@code orders} queue:
 *
 * <pre>{"orderId": "A-1001", "customer": "ACME", "items": [{"sku": "KB-42", "quantity": 2}]}</pre>
 *
 * {@code orderId} (a string, or a number taken as its text) of 1-64 letters, digits, '-' or '_' —
 * it names the order's outbox file, so nothing else is allowed; {@code items} a non-empty array of
 * {@code sku} (non-empty string) and {@code quantity} (positive integer). Other fields are kept.
 * Every text (field names too) must be storable: no NUL character, no lone UTF-16 surrogate.
 * The normalised order also records where it came from ({@code source}) and when ({@code receivedAt});
 * it is what the intake enqueues (Jackson writes it anew), never the text as it was sent.
 * Whether a SKU exists and is in stock is the processor's business, not the intake's.
 */
public final class OrderValidator {

    static final String DEAD_LETTER_KEY = "_pgqrsDeadLetter";
    private static final Pattern ORDER_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    // Strict: one JSON document and nothing after it ({"a":1} trailing, {"a":1}{"b":2} and {"a":1},{"b":2}
    // are refused, not cut at the first value), and no field twice (which copy would win is the parser's
    // choice, not the sender's).
    private static final ObjectReader ONE_DOCUMENT = OrdersJson.MAPPER.readerFor(JsonNode.class)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature());
    private static final ObjectReader DOCUMENTS = OrdersJson.MAPPER.readerFor(JsonNode.class)
            .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature());

    private OrderValidator() {
    }

    /** Whether the text is an order id (1-64 letters, digits, '-' or '_'). */
    public static boolean isOrderId(String text) {
        return text != null && ORDER_ID.matcher(text).matches();
    }

    /** One order sent as a JSON document (an HTTP body, a Kafka record). */
    public static ObjectNode parseOne(String text, String source) {
        if (text == null || text.isBlank()) {
            throw new InvalidOrderException("the body is empty: send one order as a JSON object, e.g. "
                    + "{\"orderId\":\"A-1001\",\"items\":[{\"sku\":\"KB-42\",\"quantity\":2}]}");
        }
        JsonNode node;
        try {
            node = ONE_DOCUMENT.readTree(text);
        } catch (MismatchedInputException e) {
            if (!String.valueOf(e.getOriginalMessage()).startsWith("Trailing token")) {
                throw new InvalidOrderException("the body is not valid JSON: " + e.getOriginalMessage() + location(e));
            }
            throw new InvalidOrderException("the body is not one JSON document: more follows the first value"
                    + location(e) + "; send exactly one order as a JSON object");
        } catch (JsonProcessingException e) {
            throw new InvalidOrderException("the body is not valid JSON: " + e.getOriginalMessage() + location(e));
        }
        return normalise(node, source, null);
    }

    /**
     * The orders of a file: one JSON object, a JSON array of objects, or JSON lines (one order per
     * line). All or nothing: one bad order rejects the file, naming the order.
     */
    public static List<ObjectNode> parseMany(String text, String source) {
        List<ObjectNode> orders = new ArrayList<>();
        try (MappingIterator<JsonNode> values = DOCUMENTS.readValues(text)) {
            int previousEndLine = -1;
            while (values.hasNextValue()) {
                // (A root array is iterated element by element: its elements may share lines.)
                int startLine = values.getParser().currentTokenLocation().getLineNr();
                if (startLine == previousEndLine && !inArray(values.getParser().getParsingContext())) {
                    throw new InvalidOrderException("order " + (orders.size() + 1) + " starts on line " + startLine
                            + ", where the one before it ends: write one order per line (JSON lines), or one JSON "
                            + "object or array for the whole file");
                }
                JsonNode value = values.nextValue();
                previousEndLine = values.getParser().currentLocation().getLineNr();
                if (value instanceof ArrayNode array) {
                    for (JsonNode element : array) {
                        orders.add(normalise(element, source, "order " + (orders.size() + 1)));
                    }
                } else {
                    orders.add(normalise(value, source, "order " + (orders.size() + 1)));
                }
            }
        } catch (JsonProcessingException e) {
            throw new InvalidOrderException("order " + (orders.size() + 1) + " is not valid JSON: "
                    + e.getOriginalMessage() + location(e));
        } catch (IOException e) {
            throw new InvalidOrderException("cannot read the orders: " + e.getMessage());
        }
        if (orders.isEmpty()) {
            throw new InvalidOrderException("no orders found: expected a JSON object, an array of objects, or JSON lines");
        }
        return orders;
    }

    /**
     * Validates an order and returns its normalised copy. {@code position} ("order 3") places the
     * order in a file for error messages; null for a single order.
     */
    public static ObjectNode normalise(JsonNode node, String source, String position) {
        String at = position == null ? "" : position + ": ";
        if (!(node instanceof ObjectNode in)) {
            throw new InvalidOrderException(at + "an order must be a JSON object, got " + kind(node));
        }
        ObjectNode order = in.deepCopy();
        order.remove(DEAD_LETTER_KEY); // a dead letter dropped back into the inbox is a fresh attempt
        JsonNode id = order.get("orderId");
        String orderId = id != null && (id.isTextual() || id.isIntegralNumber()) ? id.asText() : null;
        if (orderId == null || !ORDER_ID.matcher(orderId).matches()) {
            throw new InvalidOrderException(at + "orderId is required: 1-64 letters, digits, '-' or '_'"
                    + (id == null ? "" : ", got " + abbreviate(id.toString())));
        }
        order.put("orderId", orderId);
        String label = position == null ? "order " + orderId : position + " (" + orderId + ")";
        JsonNode items = order.get("items");
        if (!(items instanceof ArrayNode list) || list.isEmpty()) {
            throw new InvalidOrderException(label + ": items must be a non-empty array of {\"sku\": \"...\", \"quantity\": n}");
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode item = list.get(i);
            String where = label + ": items[" + i + "]";
            if (!item.isObject()) {
                throw new InvalidOrderException(where + " must be an object with sku and quantity");
            }
            JsonNode sku = item.get("sku");
            if (sku == null || !sku.isTextual() || sku.asText().isBlank()) {
                throw new InvalidOrderException(where + ".sku must be a non-empty string");
            }
            JsonNode quantity = item.get("quantity");
            if (quantity == null || !quantity.isIntegralNumber() || !quantity.canConvertToInt() || quantity.asInt() < 1) {
                throw new InvalidOrderException(where + ".quantity must be a positive integer"
                        + (quantity == null ? "" : ", got " + abbreviate(quantity.toString())));
            }
        }
        JsonText.requireStorable(order, label);
        if (source != null) {
            order.put("source", source);
        }
        if (!order.hasNonNull("receivedAt")) {
            order.put("receivedAt", Instant.now().toString());
        }
        return order;
    }

    private static boolean inArray(JsonStreamContext context) {
        for (JsonStreamContext c = context; c != null; c = c.getParent()) {
            if (c.inArray()) {
                return true;
            }
        }
        return false;
    }

    private static String kind(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        return node.getNodeType().name().toLowerCase() + " " + abbreviate(node.toString());
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 39) + "…";
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }
}
