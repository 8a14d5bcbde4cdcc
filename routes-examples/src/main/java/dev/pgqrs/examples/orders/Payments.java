package dev.pgqrs.examples.orders;

import dev.pgqrs.workflow.PermanentStepException;

import java.math.BigDecimal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for a payment provider, with the test cards providers publish: a card ending in
 * {@code 0002} is declined (for good: the run fails with the reason), one ending in {@code 0119}
 * meets a processing error on its first two charges (retried under the step's policy), any other card
 * (or none: invoiced) is charged. A real provider would be called with an idempotency key made of the
 * run id and the step name, so that a charge repeated after a crash is not taken twice.
 */
final class Payments {

    /** The provider could not take the charge now; the step is retried. */
    static final class PaymentUnavailableException extends RuntimeException {
        PaymentUnavailableException(String message) {
            super(message);
        }
    }

    static final int TRANSIENT_FAILURES = 2;

    private final Map<String, Integer> processingErrors = new ConcurrentHashMap<>();
    private final AtomicLong payments = new AtomicLong();

    /** Charges the order's total; returns the payment id. */
    String charge(String orderId, String card, BigDecimal amount) {
        String digits = card == null ? "" : card.replaceAll("[^0-9]", "");
        if (digits.endsWith("0002")) {
            throw new PermanentStepException("order " + orderId + ": card ending in 0002 was declined (" + amount + " EUR)");
        }
        if (digits.endsWith("0119") && processingErrors.merge(orderId, 1, Integer::sum) <= TRANSIENT_FAILURES) {
            throw new PaymentUnavailableException("order " + orderId + ": the payment provider had a processing error, try again");
        }
        return "PAY-" + orderId + "-" + payments.incrementAndGet();
    }
}
