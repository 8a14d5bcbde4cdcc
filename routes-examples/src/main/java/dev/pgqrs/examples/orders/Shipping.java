package dev.pgqrs.examples.orders;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A stand-in for a carrier: shipping an order writes its delivery note, {@code order-<orderId>.json},
 * to the outbox ({@code app.outbox}), written under a temporary name and moved into place, so a reader
 * never sees half a file and a repeated shipment replaces the note with the same content.
 */
final class Shipping {

    private final Path outbox;

    Shipping(Path outbox) {
        this.outbox = outbox;
    }

    /** Writes the note and returns the tracking id. Fails (and is retried) while the outbox cannot take it. */
    String ship(ObjectNode note) {
        String orderId = note.get("orderId").asText();
        String trackingId = "TRK-" + orderId;
        note.putObject("shipment").put("trackingId", trackingId);
        Path target = outbox.resolve("order-" + orderId + ".json");
        Path temp = outbox.resolve(".writing-order-" + orderId + ".json");
        try {
            Files.writeString(temp, OrdersJson.write(note), StandardCharsets.UTF_8);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("order " + orderId + ": cannot write the delivery note " + target + ": " + e, e);
        }
        return trackingId;
    }
}
