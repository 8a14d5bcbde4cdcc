package dev.pgqrs.testing;

import dev.pgqrs.Message;
import dev.pgqrs.Pgqrs;
import dev.pgqrs.Store;
import dev.pgqrs.config.PgqrsConfig;
import dev.pgqrs.workflow.Workflow;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * An application using the engine as a named module (run by {@code ModulePathTest} with the engine on the
 * module path and this class on the class path): queues, a queue worker, a workflow with a step, and a
 * look at an internal type, which the module must refuse.
 */
public final class ModularApp {

    public record Order(String id, int quantity) {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("module " + Store.class.getModule().getName() + " named " + Store.class.getModule().isNamed());
        PgqrsConfig config = PgqrsConfig.builder().dsn("sqlite://" + args[0]).installOnConnect(true).build();
        try (Store store = Pgqrs.connect(config)) {
            store.queues().create("orders");
            store.enqueue("orders", new Order("A-1", 2));
            CompletableFuture<Order> handled = new CompletableFuture<>();
            try (var worker = store.worker("orders", delivery -> {
                handled.complete(delivery.message().payloadAs(Order.class));
                delivery.ack();
            })) {
                System.out.println("handled " + handled.get(30, TimeUnit.SECONDS));
            }
            Workflow<Order, String> ship = Workflow.define("ship", Order.class, String.class,
                    (run, order) -> run.step("label", String.class, () -> "label-" + order.id()));
            store.workflows().register(ship);
            try (var worker = store.workflows().startWorker(ship)) {
                System.out.println("workflow " + store.workflows().trigger(ship, new Order("B-2", 1)).await(Duration.ofSeconds(30)));
            }
            try {
                Store.class.getDeclaredMethod("database").setAccessible(true);
                System.out.println("internals open");
            } catch (RuntimeException refused) {
                System.out.println("internals sealed: " + refused.getClass().getSimpleName());
            }
        }
    }
}
