package dev.pgqrs.examples;

import dev.pgqrs.Consumer;
import dev.pgqrs.Message;
import dev.pgqrs.Pgqrs;
import dev.pgqrs.Producer;
import dev.pgqrs.QueueMetrics;
import dev.pgqrs.Store;
import dev.pgqrs.config.PgqrsConfig;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The queue in thirty lines: enqueue a few orders, consume them, print them, show the metrics.
 * Runs on the embedded SQLite default ({@code sqlite:pgqrs-example.db}); set {@code PGQRS_DSN}
 * to run it on PostgreSQL.
 */
public final class QueueQuickstart {

    public static void main(String[] args) {
        PgqrsConfig config = PgqrsConfig.load();
        if (config.dsn() == null) {
            config = config.toBuilder().dsn("sqlite:pgqrs-example.db").build();
        }
        try (Store store = Pgqrs.connect(config)) {
            store.admin().install();
            store.queues().createIfAbsent("orders");

            try (Producer producer = store.producer("orders")) {
                List<Long> ids = producer.enqueueBatch(List.of(
                        Map.of("order", 1001, "sku", "KB-42", "quantity", 2),
                        Map.of("order", 1002, "sku", "MS-7", "quantity", 1),
                        Map.of("order", 1003, "sku", "HD-1", "quantity", 5)));
                System.out.println("enqueued " + ids.size() + " orders: " + ids);
            }

            try (Consumer consumer = store.consumer("orders")) {
                List<Message> messages;
                while (!(messages = consumer.dequeue(10, Duration.ofSeconds(30))).isEmpty()) {
                    for (Message m : messages) {
                        System.out.println("processing message " + m.id() + " (delivery " + m.readCount() + "): " + m.payloadJson());
                    }
                    consumer.archive(messages);
                }
            }

            QueueMetrics metrics = store.queues().metrics("orders");
            System.out.println("queue 'orders': " + metrics.pending() + " pending, " + metrics.archived() + " archived, "
                    + metrics.deadLettered() + " dead-lettered");
        }
    }
}
