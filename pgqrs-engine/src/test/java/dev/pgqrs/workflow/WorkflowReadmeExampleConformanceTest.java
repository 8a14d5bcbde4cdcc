package dev.pgqrs.workflow;

import dev.pgqrs.RetryPolicy;

import dev.pgqrs.Store;
import dev.pgqrs.testing.ConformanceTest;
import dev.pgqrs.testing.TestBackend;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The three-step workflow of the README, as written there, on every backend. */
class WorkflowReadmeExampleConformanceTest {

    record Order(String id, String item, int cents) {
    }

    record Receipt(String order, String reservation, String payment, String tracking) {
    }

    static final class Inventory {
        final AtomicInteger calls = new AtomicInteger();

        String reserve(String item) {
            calls.incrementAndGet();
            return "res-" + item;
        }
    }

    static final class Payments {
        String charge(String order, int cents) {
            return "pay-" + order + "-" + cents;
        }
    }

    static final class Shipping {
        String ship(String order, String reservation) {
            return "track-" + order + "-" + reservation;
        }
    }

    static final Inventory inventory = new Inventory();
    static final Payments payments = new Payments();
    static final Shipping shipping = new Shipping();

    static final Workflow<Order, Receipt> CHECKOUT = Workflow.define("checkout", Order.class, Receipt.class,
            (ctx, order) -> {
                String reservation = ctx.step("reserve", String.class, () -> inventory.reserve(order.item()));
                String payment = ctx.step("charge", String.class, () -> payments.charge(order.id(), order.cents()));
                String tracking = ctx.step("ship", String.class, () -> shipping.ship(order.id(), reservation));
                return new Receipt(order.id(), reservation, payment, tracking);
            })
            .withRetryPolicy(RetryPolicy.exponential(5, Duration.ofSeconds(1), Duration.ofMinutes(1)).withJitter(0.2));

    @ConformanceTest
    void theReadmeWorkflowRuns(TestBackend backend) {
        int before = inventory.calls.get();
        try (Store store = backend.open()) {
            Workflows workflows = store.workflows();
            workflows.register(CHECKOUT);
            workflows.startWorker(CHECKOUT);

            RunHandle<Receipt> run = workflows.trigger(CHECKOUT, new Order("o-42", "chair", 4_900));
            Receipt receipt = run.await(Duration.ofSeconds(30));

            assertThat(receipt).isEqualTo(new Receipt("o-42", "res-chair", "pay-o-42-4900", "track-o-42-res-chair"));
            assertThat(workflows.details(run.id()).steps()).extracting(StepInfo::name)
                    .containsExactly("reserve", "charge", "ship");
        }
        assertThat(inventory.calls.get() - before).isEqualTo(1);
    }
}
