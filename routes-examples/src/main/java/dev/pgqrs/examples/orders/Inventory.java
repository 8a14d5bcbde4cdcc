package dev.pgqrs.examples.orders;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The stock and prices of the products, loaded from {@code catalog.json}: an in-memory stand-in for
 * an inventory system. Reserving stock is the kind of side effect that must happen once per order
 * even when the order's message is delivered again; the processing route wraps it in a durable
 * step ({@code PgqrsStepPolicy}) for that reason.
 */
public final class Inventory {

    /** Stock could not be reserved now; the message is retried with back-off (stock may arrive). */
    public static final class ReservationException extends RuntimeException {
        ReservationException(String message) {
            super(message);
        }
    }

    record Product(String name, BigDecimal price) {
    }

    private final Map<String, Product> products = new LinkedHashMap<>();
    private final Map<String, Integer> stock = new LinkedHashMap<>();
    private final AtomicLong reservations = new AtomicLong();

    private Inventory() {
    }

    public static Inventory fromClasspath(String resource) {
        try (InputStream in = Inventory.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("catalog resource '" + resource + "' not found on the class path");
            }
            Inventory inventory = new Inventory();
            OrdersJson.MAPPER.readTree(in).fields().forEachRemaining(e -> {
                JsonNode p = e.getValue();
                inventory.products.put(e.getKey(), new Product(p.path("name").asText(e.getKey()), new BigDecimal(p.path("price").asText("0"))));
                inventory.stock.put(e.getKey(), p.path("stock").asInt(0));
            });
            return inventory;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read catalog '" + resource + "'", e);
        }
    }

    /**
     * Reserves every line of the order, all or none, and returns the reservation id. Fails when a
     * SKU is unknown or short of stock, reserving nothing.
     */
    public synchronized String reserve(String orderId, ArrayNode items) {
        Map<String, Integer> wanted = new LinkedHashMap<>();
        for (JsonNode item : items) {
            wanted.merge(item.path("sku").asText(), item.path("quantity").asInt(), Integer::sum);
        }
        for (Map.Entry<String, Integer> w : wanted.entrySet()) {
            Integer available = stock.get(w.getKey());
            if (available == null) {
                throw new ReservationException("order " + orderId + ": unknown SKU '" + w.getKey() + "'");
            }
            if (available < w.getValue()) {
                throw new ReservationException("order " + orderId + ": SKU '" + w.getKey() + "' has " + available
                        + " in stock, " + w.getValue() + " ordered");
            }
        }
        wanted.forEach((sku, quantity) -> stock.merge(sku, -quantity, Integer::sum));
        return "RSV-" + orderId + "-" + reservations.incrementAndGet();
    }

    public synchronized int stockOf(String sku) {
        return stock.getOrDefault(sku, 0);
    }

    /** Prices the order's lines (unit price, line total) and returns the order total. */
    public BigDecimal price(ObjectNode order) {
        BigDecimal total = BigDecimal.ZERO;
        for (JsonNode item : order.path("items")) {
            ObjectNode line = (ObjectNode) item;
            Product p = products.get(line.path("sku").asText());
            if (p == null) {
                throw new ReservationException("order " + order.path("orderId").asText() + ": unknown SKU '" + line.path("sku").asText() + "'");
            }
            BigDecimal lineTotal = p.price().multiply(BigDecimal.valueOf(line.path("quantity").asInt()));
            line.put("name", p.name());
            line.put("unitPrice", p.price());
            line.put("lineTotal", lineTotal);
            total = total.add(lineTotal);
        }
        return total;
    }
}
