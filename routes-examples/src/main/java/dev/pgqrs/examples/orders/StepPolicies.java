package dev.pgqrs.examples.orders;

import dev.pgqrs.RetryPolicy;
import dev.pgqrs.config.ConfigKey;
import org.apache.camel.spi.PropertiesComponent;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The retry policy of each fulfilment step, from the app's properties
 * ({@code app.fulfil.<step>.max-attempts}, {@code .retry-delay}, {@code .max-retry-delay}; environment
 * variables such as {@code APP_FULFIL_CHARGE_PAYMENT_MAX_ATTEMPTS}). A step that fails is retried
 * under its own policy: the first retry after {@code retry-delay}, each further one after twice the
 * last, at most {@code max-retry-delay}; after {@code max-attempts} attempts the run fails.
 */
record StepPolicies(Map<String, RetryPolicy> byStep) {

    static final List<String> STEPS = List.of(FulfilmentWorkflow.VALIDATE, FulfilmentWorkflow.RESERVE_STOCK,
            FulfilmentWorkflow.CHARGE_PAYMENT, FulfilmentWorkflow.SHIP);

    static StepPolicies resolve(PropertiesComponent pc) {
        Map<String, RetryPolicy> policies = new LinkedHashMap<>();
        for (String step : STEPS) {
            String prefix = "app.fulfil." + step + ".";
            int attempts = attempts(prefix + "max-attempts", value(pc, prefix + "max-attempts", "1"));
            Duration delay = duration(prefix + "retry-delay", value(pc, prefix + "retry-delay", "1s"));
            Duration maxDelay = duration(prefix + "max-retry-delay", value(pc, prefix + "max-retry-delay", "1m"));
            if (maxDelay.compareTo(delay) < 0) {
                throw new AppStartupException(prefix + "max-retry-delay (" + maxDelay.toMillis() + " ms) must not be shorter than "
                        + prefix + "retry-delay (" + delay.toMillis() + " ms)");
            }
            policies.put(step, attempts == 1 ? RetryPolicy.noRetries() : RetryPolicy.exponential(attempts, delay, maxDelay));
        }
        return new StepPolicies(Map.copyOf(policies));
    }

    RetryPolicy of(String step) {
        RetryPolicy policy = byStep.get(step);
        if (policy == null) {
            throw new IllegalArgumentException("no retry policy for fulfilment step '" + step + "'");
        }
        return policy;
    }

    private static String value(PropertiesComponent pc, String key, String otherwise) {
        return pc.resolveProperty(key).map(String::trim).filter(s -> !s.isEmpty()).orElse(otherwise);
    }

    private static int attempts(String key, String value) {
        try {
            int attempts = Integer.parseInt(value);
            if (attempts >= 1) {
                return attempts;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new AppStartupException(key + " must be a whole number of at least 1, got '" + value + "'");
    }

    /** A duration as the store's settings take it (500ms, 2s, 1m, PT1M; bare numbers in ms); a bad one names the key. */
    private static Duration duration(String key, String value) {
        return ConfigKey.parseDuration(key, value, "ms");
    }
}
